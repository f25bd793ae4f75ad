package pages

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
)

// A file over the limit is refused before it is read, and the message says
// how large it is and what the limit is.
func TestOversizedFileRefused(t *testing.T) {
	ctx := ctxT(t)
	r := New(testConfig(Config{MaxFileBytes: 1 << 20}))
	defer r.Close()
	big := append(SamplePDF([]SamplePage{{}}), make([]byte, 3<<20)...)
	path := writeFile(t, "scan.pdf", big)
	_, err := r.Open(ctx, path)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Open of a 3 MiB file with a 1 MiB limit: %v, want ErrTooLarge", err)
	}
	for _, want := range []string{"scan.pdf", "3.0 MiB", "up to 1 MiB"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	if _, err := r.OpenBytes(ctx, "scan.pdf", big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("OpenBytes: %v, want ErrTooLarge", err)
	}
	if s := r.Stats(); s.Starts != 0 {
		t.Errorf("PDFium started for a refused file: %+v", s)
	}
	// Under the limit it opens.
	d, err := r.Open(ctx, writeFile(t, "small.pdf", SamplePDF([]SamplePage{{}})))
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
}

// An image whose header promises more decoded bytes than the limit is
// refused from the header, counting 16-bit depth: 2000 x 2000 is 4 Mpx,
// but 32 MiB as 16-bit RGBA (under a pixel cap, over a byte cap).
func TestDeepImageRefusedByBytes(t *testing.T) {
	ctx := ctxT(t)
	r := New(testConfig(Config{MaxImageBytes: 24 << 20}))
	defer r.Close()
	var deep, shallow bytes.Buffer
	if err := png.Encode(&deep, image.NewRGBA64(image.Rect(0, 0, 2000, 2000))); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&shallow, image.NewGray(image.Rect(0, 0, 2000, 2000))); err != nil {
		t.Fatal(err)
	}
	_, err := r.OpenBytes(ctx, "deep.png", deep.Bytes())
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "2000×2000") {
		t.Fatalf("16-bit image: %v, want ErrTooLarge naming its size", err)
	}
	t.Log(err)
	d, err := r.OpenBytes(ctx, "gray.png", shallow.Bytes())
	if err != nil {
		t.Fatalf("8-bit gray image of the same size: %v", err)
	}
	d.Close()
}

func TestFitPixels(t *testing.T) {
	for _, c := range []struct {
		s     Size
		width int
		w, h  int
	}{
		{Size{612, 792}, 1000, 1000, 1294},   // a letter page: as asked
		{Size{72, 14400}, 800, 40, 8000},     // a strip: the height bounded
		{Size{14400, 72}, 20000, 8192, 41},   // the other way
		{Size{2384, 3370}, 8000, 3445, 4870}, // A0 at 400%: the pixels bounded
	} {
		w, h := FitPixels(c.s, c.width)
		if w != c.w || h != c.h {
			t.Errorf("FitPixels(%v, %d) = %dx%d, want %dx%d", c.s, c.width, w, h, c.w, c.h)
		}
		if w > MaxRenderSide || h > MaxRenderSide || w*h > MaxRenderPixels {
			t.Errorf("FitPixels(%v, %d) = %dx%d, over the bound", c.s, c.width, w, h)
		}
	}
}

// Shrink keeps the shape and bounds both sides, 16-bit images included;
// an image within the bounds is returned as it is.
func TestShrink(t *testing.T) {
	deep := image.NewRGBA64(image.Rect(0, 0, 4000, 2000))
	got := Shrink(deep, 1600, 1600)
	if b := got.Bounds(); b.Dx() != 1600 || b.Dy() != 800 {
		t.Errorf("4000x2000 shrunk to %v, want 1600x800", b.Size())
	}
	small := image.NewGray(image.Rect(0, 0, 100, 50))
	if Shrink(small, 1600, 1600) != image.Image(small) {
		t.Error("a small image was copied")
	}
}
