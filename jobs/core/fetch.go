package core

import "github.com/reductotray/reducto-tray/jobs/export"

// Fetcher is the checked client the UI downloads what a result links to
// with: figure images and Reducto's PDF of an office file (https, or http
// only to loopback, redirects too; bounded bodies and decodes; a time
// limit). The UI makes no HTTP calls of its own.
func (a *App) Fetcher() *export.FigureFetcher {
	return &export.FigureFetcher{MaxBytes: 5 << 20, MaxPixels: 16_000_000}
}
