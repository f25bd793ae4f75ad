package pages

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // decoders for image documents
	_ "image/png"
	"sync"
	"time"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/tiff"
)

// rasterDoc is an image shown as a one-page document. The file is decoded
// once, when the document is opened, and scaled down once to a master of
// at most imageMasterPixels; every render scales from the master. So the
// cost of an image is one decode (bounded in bytes, under the time limit)
// and then a few MiB, not a decode per zoom.
type rasterDoc struct {
	w, h   int // the image's own size
	mu     sync.Mutex
	master *image.RGBA // nil once closed
}

// openRaster checks the image's header against maxBytes decoded, then
// decodes and scales it down within limit.
func openRaster(ctx context.Context, name string, data []byte, maxBytes int64, limit time.Duration) (*rasterDoc, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w: %v", name, ErrUnreadable, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("open %s: %w: %s of %dx%d pixels", name, ErrUnreadable, format, cfg.Width, cfg.Height)
	}
	need := DecodedBytes(cfg)
	if cfg.ColorModel != color.RGBAModel && cfg.ColorModel != color.RGBA64Model {
		need += int64(cfg.Width) * int64(cfg.Height) * 4 // converted to RGBA beside it to scale it
	}
	if need > maxBytes {
		return nil, fmt.Errorf("open %s: %w: a %s of %d×%d pixels takes %s to decode and scale; the page view decodes up to %s",
			name, ErrTooLarge, format, cfg.Width, cfg.Height, SizeText(need), SizeText(maxBytes))
	}
	// Go's decoders cannot be stopped: past the limit the caller is
	// answered and the decode finishes on its own, its memory bounded by
	// the check above.
	type result struct {
		m   *image.RGBA
		err error
	}
	done := make(chan result, 1)
	go func() {
		src, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			done <- result{err: fmt.Errorf("open %s: %w: %v", name, ErrUnreadable, err)}
			return
		}
		src = to8Bit(src)
		b := src.Bounds()
		w, h := fitPixels(Size{float64(b.Dx()), float64(b.Dy())}, b.Dx(), imageMasterPixels)
		done <- result{m: scaleOnWhite(src, w, h)}
	}()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, r.err
		}
		return &rasterDoc{w: cfg.Width, h: cfg.Height, master: r.m}, nil
	case <-t.C:
		return nil, fmt.Errorf("open %s: %w (limit %s)", name, ErrTimeout, limit)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Shrink returns img scaled down, keeping its shape, to fit within maxW x
// maxH over white (as it is when it is already within), by the same
// halving the image documents use: cheap in memory whatever the image's
// depth (a 16-bit image is narrowed in place: img is not to be used
// after). The result view keeps figures this way.
func Shrink(img image.Image, maxW, maxH int) image.Image {
	b := img.Bounds()
	if b.Dx() <= maxW && b.Dy() <= maxH {
		return img
	}
	f := min(float64(maxW)/float64(b.Dx()), float64(maxH)/float64(b.Dy()))
	return scaleOnWhite(to8Bit(img), max(1, int(float64(b.Dx())*f)), max(1, int(float64(b.Dy())*f)))
}

// render scales the master to width x height.
func (r *rasterDoc) render(width, height int) (*image.RGBA, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.master == nil {
		return nil, ErrClosed
	}
	return scaleOnWhite(r.master, width, height), nil
}

// close lets go of the master.
func (r *rasterDoc) close() {
	r.mu.Lock()
	r.master = nil
	r.mu.Unlock()
}

// scaleOnWhite draws src scaled to width x height over white (a
// transparent image shows as on paper). A large shrink halves the image
// with a box filter until it is within twice the size, then interpolates:
// draw's kernel scalers would allocate 32 bytes per pixel of the source's
// height times the result's width (hundreds of MiB for a scan).
func scaleOnWhite(src image.Image, width, height int) *image.RGBA {
	m, ok := src.(*image.RGBA)
	if !ok || m.Rect.Min != (image.Point{}) {
		m = image.NewRGBA(image.Rect(0, 0, src.Bounds().Dx(), src.Bounds().Dy()))
		draw.Draw(m, m.Rect, image.White, image.Point{}, draw.Src)
		draw.Draw(m, m.Rect, src, src.Bounds().Min, draw.Over)
		src = nil
	}
	for m.Rect.Dx() >= 2*width && m.Rect.Dy() >= 2*height {
		m = halve(m)
	}
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), m, m.Bounds(), draw.Over, nil)
	return dst
}

// halve is m at half its size, each pixel the mean of four.
func halve(m *image.RGBA) *image.RGBA {
	w, h := m.Rect.Dx()/2, m.Rect.Dy()/2
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		r0 := m.Pix[2*y*m.Stride:]
		r1 := m.Pix[(2*y+1)*m.Stride:]
		out := dst.Pix[y*dst.Stride:]
		for x := 0; x < w; x++ {
			for c := 0; c < 4; c++ {
				i := 8*x + c
				out[4*x+c] = uint8((uint(r0[i]) + uint(r0[i+4]) + uint(r1[i]) + uint(r1[i+4]) + 2) / 4)
			}
		}
	}
	return dst
}

// to8Bit turns a 16-bit image into its 8-bit kind in place (the high byte
// of each channel, written over the front of the same pixel buffer), so
// scaling it takes the scaler's fast path instead of one that costs many
// times the image in garbage. Other images are returned as they are.
func to8Bit(src image.Image) image.Image {
	switch m := src.(type) {
	case *image.RGBA64:
		pix := narrow(m.Pix, m.Stride, m.Rect, 4)
		return &image.RGBA{Pix: pix, Stride: m.Rect.Dx() * 4, Rect: m.Rect}
	case *image.NRGBA64:
		pix := narrow(m.Pix, m.Stride, m.Rect, 4)
		return &image.NRGBA{Pix: pix, Stride: m.Rect.Dx() * 4, Rect: m.Rect}
	case *image.Gray16:
		pix := narrow(m.Pix, m.Stride, m.Rect, 1)
		return &image.Gray{Pix: pix, Stride: m.Rect.Dx(), Rect: m.Rect}
	}
	return src
}

// narrow keeps the high byte of each big-endian 16-bit sample of rect's
// rows (channels samples a pixel), packed at the front of pix: every write
// lands at or before the bytes it reads, so nothing is overwritten early.
func narrow(pix []byte, stride int, rect image.Rectangle, channels int) []byte {
	w, h := rect.Dx(), rect.Dy()
	o := 0
	for y := 0; y < h; y++ {
		row := pix[y*stride : y*stride+w*channels*2]
		for i := 0; i < len(row); i += 2 {
			pix[o] = row[i]
			o++
		}
	}
	return pix[:o:o]
}
