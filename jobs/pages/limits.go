package pages

import (
	"errors"
	"image"
	"image/color"
	"math"

	"github.com/reductotray/reducto-tray/jobs"
)

// The page view's memory is bounded by what a screen can show, not by what
// a file asks for: a render is never more than MaxRenderPixels (and no side
// longer than MaxRenderSide, a texture size every GPU takes), whatever the
// page's shape or the zoom. A 72 x 14,400 pt page asked 800 px wide would
// otherwise be 800 x 160,000 px: 512 MiB in PDFium plus a copy in Go.
const (
	// MaxRenderPixels bounds one rendered page: 16 Mpx, 64 MiB of RGBA
	// (a 4K screen is 8.3 Mpx).
	MaxRenderPixels = 16 << 20
	// MaxRenderSide bounds each side of a rendered page in pixels.
	MaxRenderSide = 8192
)

// Defaults of the limits on what is opened (Config).
const (
	// DefaultMaxFileBytes is the largest file the page view opens: PDFium
	// holds a copy of the whole file in its memory.
	DefaultMaxFileBytes = 128 << 20
	// DefaultMaxImageBytes bounds an image document decoded in memory: a
	// 16-bit image takes 8 bytes a pixel, so this is counted in bytes, not
	// pixels (24 Mpx of 16-bit RGBA, or 48 Mpx of 8-bit).
	DefaultMaxImageBytes = 192 << 20
	// imageMasterPixels bounds the copy of an image document kept to
	// render from: decoded once, scaled down once to this, then every
	// zoom is scaled from it.
	imageMasterPixels = 8 << 20
)

// ErrTooLarge: the file, or the image decoded, is over the page view's
// limit; the error's text says how large and what the limit is.
var ErrTooLarge = errors.New("too large")

// FitPixels is the size in pixels Render gives page size s asked width
// pixels wide: the page's shape, scaled down as a whole (never cropped)
// until it is within MaxRenderSide and MaxRenderPixels. The page view
// sizes its pages with it, so a page that would be too large is shown at
// the largest size that stays sharp.
func FitPixels(s Size, width int) (w, h int) {
	return fitPixels(s, width, MaxRenderPixels)
}

func fitPixels(s Size, width int, maxPixels float64) (w, h int) {
	if s.Width <= 0 || s.Height <= 0 || width < 1 {
		return max(1, width), max(1, width)
	}
	ratio := s.Height / s.Width
	fw := float64(width)
	fh := fw * ratio
	f := min(1.0, MaxRenderSide/fw, MaxRenderSide/fh)
	if px := fw * fh; px > maxPixels {
		f = min(f, math.Sqrt(maxPixels/px))
	}
	// The height follows the whole width, as PDFium keeps the shape.
	w = max(1, int(fw*f))
	h = max(1, min(MaxRenderSide, int(float64(w)*ratio+0.5)))
	return w, h
}

// DecodedBytes is the memory Go's decoders allocate for an image with
// header cfg: pixels times the bytes of a pixel of its colour model, so a
// 16-bit image counts twice an 8-bit one.
func DecodedBytes(cfg image.Config) int64 {
	if cfg.Width > 1<<24 || cfg.Height > 1<<24 {
		return math.MaxInt64 // a header no real image has; the product would overflow
	}
	return int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel)
}

// bytesPerPixel is what Go's decoders allocate a pixel for an image of
// color model m: 16-bit images take twice what 8-bit ones do.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.YCbCrModel:
		return 3 // 4:4:4, the largest subsampling
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4
}

// SizeText is n bytes in words, as the limits' messages say them: "128
// MiB", "1.5 MiB", "759 KiB" (jobs.SizeText, which the downloads share).
func SizeText(n int64) string { return jobs.SizeText(n) }
