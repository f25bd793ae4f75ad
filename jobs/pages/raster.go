package pages

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for image documents
	_ "image/png"
	"sync"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/tiff"
)

// maxRasterPixels refuses images whose header claims more pixels than a
// scan ever has (a decompression bomb would allocate them all).
const maxRasterPixels = 200_000_000

// rasterDoc is an image shown as a one-page document. It keeps the file's
// bytes and decodes them for each render at a new width, so nothing large
// stays in memory between renders but the page cache's bounded pixels.
type rasterDoc struct {
	data []byte
	w, h int
	mu   sync.Mutex // one decode at a time per image
}

func openRaster(name string, data []byte) (*rasterDoc, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w: %v", name, ErrUnreadable, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxRasterPixels {
		return nil, fmt.Errorf("open %s: %w: %s of %dx%d pixels", name, ErrUnreadable, format, cfg.Width, cfg.Height)
	}
	return &rasterDoc{data: data, w: cfg.Width, h: cfg.Height}, nil
}

// render decodes the image and scales it to width x height.
func (r *rasterDoc) render(width, height int) (*image.RGBA, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	src, _, err := image.Decode(bytes.NewReader(r.data))
	if err != nil {
		return nil, fmt.Errorf("decode image: %w", err)
	}
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
	return dst, nil
}
