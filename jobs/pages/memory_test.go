//go:build !race && linux

package pages

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"
	"time"
)

// Peak memory of the page view's hostile inputs. Measured as the growth of
// the process's peak resident set (VmHWM, reset through
// /proc/self/clear_refs) over the resident set before, so the tests run
// without the race detector (its shadow memory would count) and each one
// alone: Go runs a package's tests one after the other.

// peakGrowth runs f and returns how far the process's peak RSS rose above
// its RSS before f, in bytes.
func peakGrowth(t *testing.T, f func()) float64 {
	t.Helper()
	settle()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS: %v", err)
	}
	before := vmRSS()
	f()
	peak := procStatus("VmHWM:")
	t.Logf("RSS before %.0f MiB, peak %.0f MiB", before/(1<<20), peak/(1<<20))
	return peak - before
}

const peakBound = 400 << 20

// A 583-byte PDF of one 72 x 14,400 pt page asked 800 px wide was
// 800 x 160,000 px: ~1 GiB in Go and ~512 MiB inside PDFium. Now it is
// scaled down to the pixel bound.
func TestTallPagePeakMemory(t *testing.T) {
	ctx := ctxT(t)
	r := New(testConfig(Config{}))
	defer r.Close()
	tall := SamplePDF([]SamplePage{{Width: 72, Height: 14400,
		Rects: []SampleRect{{X: 10, Y: 7000, W: 50, H: 400, R: 1}}}})
	// PDFium started before, as in the app where it has shown a page.
	warm, err := r.OpenBytes(ctx, "warm.pdf", SamplePDF([]SamplePage{{}}))
	if err != nil {
		t.Fatal(err)
	}
	warm.Close()
	var img *image.RGBA
	grew := peakGrowth(t, func() {
		d, err := r.OpenBytes(ctx, "tall.pdf", tall)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		img, err = d.Render(ctx, 0, 800)
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("tall page (%d bytes) rendered %v; peak RSS grew %.0f MiB", len(tall), img.Bounds().Size(), grew/(1<<20))
	b := img.Bounds()
	if b.Dy() > MaxRenderSide || b.Dx()*b.Dy() > MaxRenderPixels {
		t.Errorf("rendered %v, over the bound", b.Size())
	}
	if w, h := FitPixels(Size{72, 14400}, 800); b.Dx() != w || b.Dy() != h {
		t.Errorf("rendered %v, FitPixels says %dx%d", b.Size(), w, h)
	}
	// The page's shape is kept and the red bar is where it is drawn.
	if c := img.RGBAAt(b.Dx()/2, b.Dy()*7200/14400); !isRed(c) {
		t.Errorf("middle of the red bar is %v", c)
	}
	if grew > peakBound {
		t.Errorf("peak RSS grew %.0f MiB rendering the tall page, want under %d MiB", grew/(1<<20), peakBound>>20)
	}
}

// A 4000 x 4000 16-bit PNG (a few hundred KiB) is 128 MiB decoded; it was
// decoded again for every width, with a scaler on 16-bit pixels that cost
// 1 GiB and seconds. Now it is decoded once and kept scaled down.
func TestSixteenBitPNGPeakMemory(t *testing.T) {
	ctx := ctxT(t)
	const n = 4000
	src := image.NewRGBA64(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			c := color.RGBA64{0, 0, 0xffff, 0xffff}
			if x >= n/2 {
				c = color.RGBA64{0, 0xffff, 0, 0xffff}
			}
			src.SetRGBA64(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	src = nil
	r := New(testConfig(Config{}))
	defer r.Close()
	var took time.Duration
	grew := peakGrowth(t, func() {
		start := time.Now()
		d, err := r.OpenBytes(ctx, "deep.png", data)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		// Three zooms, as a user resizing the window.
		for _, w := range []int{800, 1200, 1600} {
			img, err := d.Render(ctx, 0, w)
			if err != nil {
				t.Fatal(err)
			}
			if l, r := img.RGBAAt(w/4, w/2), img.RGBAAt(3*w/4, w/2); l.B < 200 || r.G < 200 {
				t.Errorf("width %d: left %v (want blue), right %v (want green)", w, l, r)
			}
		}
		took = time.Since(start)
	})
	t.Logf("16-bit PNG of %d KiB: open and three renders took %s; peak RSS grew %.0f MiB", len(data)>>10, took, grew/(1<<20))
	if grew > peakBound {
		t.Errorf("peak RSS grew %.0f MiB, want under %d MiB", grew/(1<<20), peakBound>>20)
	}
}
