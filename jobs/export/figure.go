package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // decodes figures sent as JPEG
	_ "image/png"  // decodes figures sent as PNG
	"net/http"
	"time"

	"github.com/reductotray/reducto-tray/jobs/fetch"
	"github.com/reductotray/reducto-tray/jobs/pages"
)

// The figure fetcher's defaults: a figure is a picture on a page, so
// anything far larger is not one (or is hostile) and is not worth the
// memory of the result view.
const (
	DefaultFigureMaxBytes  = 5 << 20    // 5 MiB of body
	DefaultFigureMaxPixels = 25_000_000 // 25 Mpx: ~100 MiB decoded as RGBA
	DefaultFigureTimeout   = 20 * time.Second
	// DefaultFigureMaxDecoded bounds a figure decoded, in bytes: a 16-bit
	// image takes twice the memory of an 8-bit one of the same pixels.
	DefaultFigureMaxDecoded = 64 << 20
)

// ErrNotImage marks a figure whose body is not a PNG or JPEG image.
var ErrNotImage = errors.New("not a PNG or JPEG image")

// FigureFetcher downloads and decodes a parse result's figure images
// (image_url) for the result view. The URLs come from a result, so they are
// treated as untrusted: only https:// or loopback http:// (redirects too),
// a bounded body, a time limit, PNG or JPEG only, and the pixel count
// checked from the header before the image is decoded. The zero value uses
// the defaults and http.DefaultTransport. Safe for concurrent use.
type FigureFetcher struct {
	Client    *http.Client  // nil: a client over http.DefaultTransport
	MaxBytes  int64         // 0: DefaultFigureMaxBytes
	MaxPixels int           // 0: DefaultFigureMaxPixels
	Timeout   time.Duration // 0: DefaultFigureTimeout
	// MaxDecoded bounds the decoded image in bytes (0:
	// DefaultFigureMaxDecoded).
	MaxDecoded int64
}

// Fetch downloads the image at rawURL and decodes it. The error says in
// words why no image came back (refused URL, HTTP status, too large, not an
// image, timeout), fit to show beside the figure's caption.
func (f *FigureFetcher) Fetch(ctx context.Context, rawURL string) (image.Image, error) {
	max := f.MaxBytes
	if max <= 0 {
		max = DefaultFigureMaxBytes
	}
	body, err := f.get(ctx, rawURL, "figure image", "image/png, image/jpeg", max)
	if err != nil {
		return nil, err
	}
	return f.decode(body)
}

// FetchPDF downloads the PDF at rawURL (Reducto's pdf_url, the PDF of an
// office file) under the same rules as a figure: https or loopback http,
// redirects too, at most maxBytes, the time limit. It does not parse it.
func (f *FigureFetcher) FetchPDF(ctx context.Context, rawURL string, maxBytes int64) ([]byte, error) {
	return f.get(ctx, rawURL, "Reducto's PDF", "application/pdf", maxBytes)
}

// get downloads rawURL's body, what naming it in errors, under the one
// rule for result URLs (jobs/fetch).
func (f *FigureFetcher) get(ctx context.Context, rawURL, what, accept string, max int64) ([]byte, error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultFigureTimeout
	}
	return fetch.Get(ctx, f.Client, rawURL, fetch.Limit{What: what, Accept: accept, MaxBytes: max, Timeout: timeout})
}

// decode checks the format and the size from the header, then decodes.
func (f *FigureFetcher) decode(body []byte) (image.Image, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil || (format != "png" && format != "jpeg") {
		// Other decoders may be linked in (pdfcpu's); only these two are
		// wanted from the network.
		return nil, fmt.Errorf("decode figure image: %w", ErrNotImage)
	}
	maxPx := f.MaxPixels
	if maxPx <= 0 {
		maxPx = DefaultFigureMaxPixels
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxPx/cfg.Height {
		return nil, fmt.Errorf("decode figure image: %d×%d pixels is over the limit of %d", cfg.Width, cfg.Height, maxPx)
	}
	maxDec := f.MaxDecoded
	if maxDec <= 0 {
		maxDec = DefaultFigureMaxDecoded
	}
	if n := pages.DecodedBytes(cfg); n > maxDec {
		return nil, fmt.Errorf("decode figure image: %d×%d pixels take %s decoded, over the limit of %s", cfg.Width, cfg.Height, pages.SizeText(n), pages.SizeText(maxDec))
	}
	img, _, err := image.Decode(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("decode figure image (%s): %w", format, err)
	}
	return img, nil
}
