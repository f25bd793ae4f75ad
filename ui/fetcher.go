package ui

import (
	"context"
	"image"
)

// Fetcher downloads what a result links to. The core hands the UI its
// checked client (jobs/export.FigureFetcher: https, or http only to
// loopback, redirects too; bounded bodies; a time limit), so the UI makes no
// HTTP calls of its own.
type Fetcher interface {
	// Fetch downloads and decodes a figure image.
	Fetch(ctx context.Context, url string) (image.Image, error)
	// FetchPDF downloads a PDF of at most maxBytes.
	FetchPDF(ctx context.Context, url string, maxBytes int64) ([]byte, error)
}

// fetcherOr is f, or the default checked fetcher when none was given.
func fetcherOr(f Fetcher) Fetcher {
	if f == nil {
		return figureFetcher
	}
	return f
}
