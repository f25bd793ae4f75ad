package pages

import (
	"context"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// shared is the one Renderer the tests share: starting PDFium (compiling it
// the first time) is the expensive part, so it happens once per run.
var (
	shared       *Renderer
	compileCache string
)

// testConfig sets what every test Renderer shares: the compilation cache,
// and the interpreter under the race detector (compiling PDFium with the
// race detector's instrumentation takes over a minute on CI's two cores).
func testConfig(c Config) Config {
	c.CompileCacheDir = compileCache
	c.Interpreter = raceEnabled
	return c
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pages-wasm-cache")
	if err != nil {
		panic(err)
	}
	compileCache = dir
	shared = New(testConfig(Config{}))
	code := m.Run()
	shared.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// layoutPage is the known layout: a red box and a line of big text.
var layoutPage = SamplePage{
	Rects: []SampleRect{{X: 100, Y: 100, W: 200, H: 100, R: 1}},
	Texts: []SampleText{{X: 72, Y: 400, Size: 48, Text: "HELLO WORLD"}},
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func isRed(c color.RGBA) bool   { return c.R > 200 && c.G < 60 && c.B < 60 }
func isWhite(c color.RGBA) bool { return c.R > 240 && c.G > 240 && c.B > 240 }
func isDark(c color.RGBA) bool  { return c.R < 100 && c.G < 100 && c.B < 100 }

func TestRenderPDFPixels(t *testing.T) {
	ctx := ctxT(t)
	d, err := shared.Open(ctx, writeFile(t, "layout.pdf", SamplePDF([]SamplePage{layoutPage, {}})))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Kind() != KindPDF || d.PageCount() != 2 {
		t.Fatalf("kind %v pages %d, want PDF with 2", d.Kind(), d.PageCount())
	}
	if s := d.PageSize(0); s.Width != 612 || s.Height != 792 {
		t.Fatalf("page size %v, want 612x792", s)
	}
	// 1224 px wide: 2 px per point.
	img, err := d.Render(ctx, 0, 1224)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1224 || b.Dy() != 1584 {
		t.Fatalf("image %v, want 1224x1584", b)
	}
	at := func(x, y float64) color.RGBA { return img.RGBAAt(int(x*2), int(y*2)) }
	// Inside the box, just inside each edge, and just outside.
	for _, p := range [][2]float64{{200, 150}, {101, 101}, {299, 199}} {
		if c := at(p[0], p[1]); !isRed(c) {
			t.Errorf("at %v: %v, want red", p, c)
		}
	}
	for _, p := range [][2]float64{{98, 150}, {302, 150}, {200, 98}, {200, 202}, {50, 50}} {
		if c := at(p[0], p[1]); !isWhite(c) {
			t.Errorf("at %v: %v, want white (outside the box)", p, c)
		}
	}
	// The text: its glyphs are dark somewhere in the line, nothing above it.
	dark := 0
	for x := 72.0; x < 400; x++ {
		for y := 370.0; y < 400; y++ {
			if isDark(at(x, y)) {
				dark++
			}
		}
	}
	if dark < 500 {
		t.Errorf("only %d dark pixels where the text is", dark)
	}
	for x := 72.0; x < 400; x++ {
		if c := at(x, 340); !isWhite(c) {
			t.Fatalf("at (%v,340) above the text: %v, want white", x, c)
		}
	}

	// Same page and width again: the cached image.
	again, err := d.Render(ctx, 0, 1224)
	if err != nil || again != img {
		t.Errorf("second render not from the cache (%v)", err)
	}
}

func TestTextRects(t *testing.T) {
	ctx := ctxT(t)
	d, err := shared.OpenBytes(ctx, "layout.pdf", SamplePDF([]SamplePage{layoutPage}))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rects, err := d.TextRects(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var found *TextRect
	for i := range rects {
		if rects[i].Text == "HELLO WORLD" {
			found = &rects[i]
		}
	}
	if found == nil {
		t.Fatalf("no rect for the text in %+v", rects)
	}
	r := found.Rect
	// Baseline at 400 pt of 792, 48 pt capitals: the run sits above it.
	near := func(got, want, tol float64) bool { return got > want-tol && got < want+tol }
	if !near(r.Left, 72.0/612, 0.01) || !near(r.Top+r.Height, 400.0/792, 0.01) || !near(r.Height, 35.0/792, 0.015) {
		t.Errorf("text rect %+v, want left %.3f bottom %.3f", r, 72.0/612, 400.0/792)
	}
}

func TestImages(t *testing.T) {
	ctx := ctxT(t)
	before := shared.Stats().Starts
	src := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := 0; y < 20; y++ {
		for x := 0; x < 40; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x >= 20 {
				c = color.RGBA{0, 255, 0, 255}
			}
			src.SetRGBA(x, y, c)
		}
	}
	for _, f := range []struct {
		name string
		enc  func(image.Image) []byte
	}{
		{"scan.png", encodePNG}, {"scan.jpg", encodeJPEG}, {"scan.tiff", encodeTIFF},
	} {
		d, err := shared.OpenBytes(ctx, f.name, f.enc(src))
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if d.Kind() != KindImage || d.PageCount() != 1 || d.PageSize(0) != (Size{40, 20}) {
			t.Fatalf("%s: kind %v pages %d size %v", f.name, d.Kind(), d.PageCount(), d.PageSize(0))
		}
		img, err := d.Render(ctx, 0, 80)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if img.Bounds().Dx() != 80 || img.Bounds().Dy() != 40 {
			t.Fatalf("%s: %v", f.name, img.Bounds())
		}
		if l, r := img.RGBAAt(10, 20), img.RGBAAt(70, 20); l.B < 200 || r.G < 200 {
			t.Errorf("%s: left %v (want blue), right %v (want green)", f.name, l, r)
		}
		d.Close()
	}
	if got := shared.Stats().Starts; got != before {
		t.Errorf("images started PDFium (%d -> %d starts)", before, got)
	}
}

func TestUnreadable(t *testing.T) {
	ctx := ctxT(t)
	good := SamplePDF([]SamplePage{layoutPage})
	cases := map[string][]byte{
		"truncated.pdf": good[:40],
		"garbage.pdf":   append([]byte("%PDF-1.7\n"), make([]byte, 5000)...),
		"report.docx":   []byte("PK\x03\x04 not a document this renderer knows"),
		"empty.pdf":     SamplePDF(nil),
	}
	for name, data := range cases {
		start := time.Now()
		d, err := shared.OpenBytes(ctx, name, data)
		if err == nil {
			d.Close()
			t.Errorf("%s: opened", name)
			continue
		}
		if !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: %v, want ErrUnreadable", name, err)
		}
		t.Logf("%s: %v (%s)", name, err, time.Since(start))
	}
	// The renderer still works after them.
	d, err := shared.OpenBytes(ctx, "good.pdf", good)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
}

// A closed document's renders fail and never open it in PDFium again.
func TestClosedDocument(t *testing.T) {
	ctx := ctxT(t)
	d, err := shared.OpenBytes(ctx, "closed.pdf", SamplePDF([]SamplePage{layoutPage}))
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := d.Render(ctx, 0, 100); !errors.Is(err, ErrClosed) {
		t.Fatalf("render after Close: %v", err)
	}
	// A render that was queued before Close reaches PDFium after it.
	var open bool
	err = shared.do(ctx, func(e *engine) error {
		_, err := e.document(d)
		_, open = e.docs[d.id]
		return err
	})
	if !errors.Is(err, ErrClosed) || open {
		t.Errorf("a queued render after Close: %v, open again in PDFium: %v", err, open)
	}
}
