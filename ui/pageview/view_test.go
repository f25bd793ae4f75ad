package pageview

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs/export"
	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/ui/internal/testpages"
	"github.com/reductotray/reducto-tray/ui/internal/uitest"
)

// pvRig is a page view in a test window; UI stands for the UI goroutine.
type pvRig struct {
	*uitest.UI
	t  *testing.T
	pv *View
	w  fyne.Window
}

func newPVRig(t *testing.T) *pvRig {
	t.Helper()
	a := test.NewTempApp(t)
	r := &pvRig{UI: &uitest.UI{}, t: t}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	bg := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	do := func(f func()) { fyne.Do(func() { r.OnMain(f) }) }
	r.ui(func() {
		r.pv = New(testpages.Renderer(), &export.FigureFetcher{MaxBytes: 5 << 20, MaxPixels: 16_000_000}, bg, do)
		r.w = a.NewWindow("pages")
		r.w.SetContent(r.pv.Object())
		r.w.Resize(fyne.NewSize(500, 600))
	})
	return r
}

func (r *pvRig) ui(f func()) { r.OnMain(f) }

// waitFor polls cond on the UI side until it holds.
func (r *pvRig) waitFor(what string, cond func() bool) {
	r.t.Helper()
	uitest.Eventually(r.t, r.OnMain, what, cond)
}

// threePages is a 3-page PDF with blocks on pages 1 and 3.
func threePages(t *testing.T) (string, []Block) {
	pdf := pages.SamplePDF([]pages.SamplePage{
		{Texts: []pages.SampleText{{X: 72, Y: 100, Size: 24, Text: "Title"}}},
		{Texts: []pages.SampleText{{X: 72, Y: 100, Size: 12, Text: "Nothing to see"}}},
		{Rects: []pages.SampleRect{{X: 72, Y: 500, W: 300, H: 150, G: 1}}},
	})
	p := filepath.Join(t.TempDir(), "three.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	doc := &result.Doc{Blocks: []result.Block{
		{Type: result.TypeTitle, Page: 1, Box: &result.Box{Left: 72.0 / 612, Top: 76.0 / 792, Width: 0.12, Height: 0.035}},
		{Type: "Text", Page: 2},
		{Type: result.TypeTable, Page: 3, Low: true, Box: &result.Box{Left: 72.0 / 612, Top: 500.0 / 792, Width: 300.0 / 612, Height: 150.0 / 792}},
	}}
	return p, Blocks(doc)
}

func TestPageViewSelectBlock(t *testing.T) {
	r := newPVRig(t)
	path, blocks := threePages(t)
	if len(blocks) != 2 || blocks[1].Index != 2 || !blocks[1].Low {
		t.Fatalf("blocks with boxes: %+v", blocks)
	}
	var tapped []Block
	r.ui(func() {
		r.pv.OnBoxTapped = func(b Block) { tapped = append(tapped, b) }
		r.pv.SetSource(Source{Path: path}, blocks)
	})
	r.waitFor("the document", func() bool { return r.pv.doc != nil && len(r.pv.tiles) == 3 })
	r.ui(func() {
		if got := r.pv.PageLabel.Text; got != "Page 1 of 3" {
			t.Errorf("label %q", got)
		}
		if !r.pv.Boxes.Visible() {
			t.Error("the Boxes toggle hidden on a document with boxes")
		}
		// Result block 2 (the table) is on page 3.
		if !r.pv.Select(2) {
			t.Fatal("Select(2) found no box")
		}
		if p := r.pv.CurrentPage(); p != 2 {
			t.Errorf("current page %d, want 2 (page 3)", p)
		}
		if b, ok := r.pv.Selected(); !ok || b.Index != 2 {
			t.Errorf("selected %+v %v", b, ok)
		}
		table, title := r.pv.box(1), r.pv.box(0)
		if table == nil || !table.Selected() || title.Selected() {
			t.Fatalf("highlight: table %v, title %v", table != nil && table.Selected(), title.Selected())
		}
		// Its box is in sight: between the scroll's top and bottom.
		boxY := table.Position().Y + r.pv.tiles[2].obj.Position().Y
		if top, h := r.pv.scroll.Offset.Y, r.pv.scroll.Size().Height; boxY < top || boxY > top+h {
			t.Errorf("box at %v, view shows %v..%v", boxY, top, top+h)
		}
		if got := r.pv.PageLabel.Text; got != "Page 3 of 3" {
			t.Errorf("label %q", got)
		}
		if r.pv.Select(1) {
			t.Error("a block without a box was selected")
		}
		// Tap the title's box: the callback gets block 0 and it is selected.
		test.Tap(title)
		if len(tapped) != 1 || tapped[0].Index != 0 || !title.Selected() {
			t.Errorf("tapped %+v, title selected %v", tapped, title.Selected())
		}
		// Single-page mode: selecting the table shows page 3 alone.
		r.pv.Continuous.SetChecked(false)
		r.pv.Select(2)
		if len(r.pv.tiles) != 1 || r.pv.tiles[0].index != 2 || r.pv.box(1) == nil || !r.pv.box(1).Selected() {
			t.Errorf("single page: tiles %d, first page %d", len(r.pv.tiles), r.pv.tiles[0].index)
		}
		// The toggle hides the boxes.
		r.pv.Boxes.SetChecked(false)
		if r.pv.box(1).Visible() {
			t.Error("box visible with boxes off")
		}
	})
	// The page in sight gets rendered.
	r.waitFor("page 3 rendered", func() bool { return r.pv.tiles[0].img.Image != nil })
}

// An office file: Reducto's PDF when its link is valid, else a message
// with "Open the file".
func TestPageViewFallback(t *testing.T) {
	r := newPVRig(t)
	docx := filepath.Join(t.TempDir(), "report.docx")
	if err := os.WriteFile(docx, []byte("PK\x03\x04 an office file"), 0o600); err != nil {
		t.Fatal(err)
	}
	pdf := pages.SamplePDF([]pages.SamplePage{{}, {}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(pdf) }))
	defer srv.Close()
	var opened []string
	r.ui(func() {
		r.pv.OpenFile = func(p string) { opened = append(opened, p) }
		r.pv.SetSource(Source{Path: docx, PDFURL: srv.URL + "/rendition.pdf"}, nil)
	})
	r.waitFor("Reducto's PDF", func() bool { return r.pv.doc != nil })
	r.ui(func() {
		if n := r.pv.doc.PageCount(); n != 2 {
			t.Errorf("%d pages", n)
		}
	})
	expired := srv.URL + "/r.pdf?X-Amz-Date=20200101T000000Z&X-Amz-Expires=3600"
	r.ui(func() { r.pv.SetSource(Source{Path: docx, PDFURL: expired}, nil) })
	r.waitFor("the message", func() bool {
		return r.pv.message.Visible() && strings.Contains(r.pv.Message.Text, "cannot be shown here")
	})
	r.ui(func() {
		if r.pv.doc != nil || !r.pv.OpenButton.Visible() {
			t.Fatalf("doc %v, open button visible %v", r.pv.doc, r.pv.OpenButton.Visible())
		}
		test.Tap(r.pv.OpenButton)
		if len(opened) != 1 || opened[0] != docx {
			t.Errorf("opened %v", opened)
		}
	})
}

func TestPDFURLExpired(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for raw, want := range map[string]bool{
		"https://example.com/a.pdf":                                       false,
		"https://s3/a.pdf?X-Amz-Date=20260101T113000Z&X-Amz-Expires=3600": false,
		"https://s3/a.pdf?X-Amz-Date=20260101T100000Z&X-Amz-Expires=3600": true,
		"https://s3/a.pdf?X-Amz-Date=garbage&X-Amz-Expires=3600":          true,
	} {
		if got := pdfURLExpired(raw, now); got != want {
			t.Errorf("pdfURLExpired(%q) = %v", raw, got)
		}
	}
}

// Reducto's PDF is fetched through the fetcher the core hands the UI, whose
// rule holds for redirects: one to plain http off loopback is refused, and
// the message says why instead of showing the pages.
func TestPageViewPDFURLRedirectRefused(t *testing.T) {
	r := newPVRig(t)
	docx := filepath.Join(t.TempDir(), "report.docx")
	if err := os.WriteFile(docx, []byte("PK\x03\x04 an office file"), 0o600); err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "http://192.0.2.1/rendition.pdf", http.StatusFound)
	}))
	defer srv.Close()
	f := &countingFetcher{PDFFetcher: &export.FigureFetcher{}}
	r.ui(func() {
		r.pv.fetch = f
		r.pv.SetSource(Source{Path: docx, PDFURL: srv.URL + "/rendition.pdf"}, nil)
	})
	r.waitFor("the message", func() bool {
		return r.pv.message.Visible() && strings.Contains(r.pv.Message.Text, "Reducto's PDF")
	})
	r.ui(func() {
		if r.pv.doc != nil || !strings.Contains(r.pv.Message.Text, "redirect") {
			t.Errorf("doc %v, message %q", r.pv.doc, r.pv.Message.Text)
		}
	})
	if f.pdfs.Load() != 1 || hits.Load() != 1 {
		t.Errorf("fetcher asked %d times, server hit %d times; want 1 and 1", f.pdfs.Load(), hits.Load())
	}
}

// countingFetcher counts the PDFs asked of the fetcher it wraps.
type countingFetcher struct {
	PDFFetcher
	pdfs atomic.Int64
}

func (c *countingFetcher) FetchPDF(ctx context.Context, url string, max int64) ([]byte, error) {
	c.pdfs.Add(1)
	return c.PDFFetcher.FetchPDF(ctx, url, max)
}

// The label names the page on screen: at the top of a 19-page document of
// small pages (several in sight at once) it says "Page 1 of 19", not the
// page under the middle of the view; after GoTo it names that page.
func TestPageViewLabelNamesThePageInSight(t *testing.T) {
	r := newPVRig(t)
	sp := make([]pages.SamplePage, 19)
	for i := range sp {
		sp[i] = pages.SamplePage{Width: 200, Height: 100}
	}
	path := filepath.Join(t.TempDir(), "cards.pdf")
	if err := os.WriteFile(path, pages.SamplePDF(sp), 0o600); err != nil {
		t.Fatal(err)
	}
	r.ui(func() {
		r.pv.Zoom.SetSelected("50%")
		r.pv.SetSource(Source{Path: path}, nil)
	})
	r.waitFor("the document", func() bool { return r.pv.doc != nil && len(r.pv.tiles) == 19 })
	r.ui(func() {
		if r.pv.scroll.Offset.Y != 0 {
			t.Fatalf("opened scrolled to %v", r.pv.scroll.Offset.Y)
		}
		r.pv.onScroll() // as a scroll event at the top would
		if got := r.pv.PageLabel.Text; got != "Page 1 of 19" {
			t.Errorf("at the top: label %q, want Page 1 of 19", got)
		}
		r.pv.GoTo(9)
		if got := r.pv.PageLabel.Text; got != "Page 10 of 19" {
			t.Errorf("after GoTo(9): label %q", got)
		}
		// A scroll event where GoTo left the view keeps the page.
		r.pv.onScroll()
		if got := r.pv.PageLabel.Text; got != "Page 10 of 19" {
			t.Errorf("after a scroll event: label %q", got)
		}
		// The tile of the page named is in sight.
		y := r.pv.tiles[9].obj.Position().Y
		if top, h := r.pv.scroll.Offset.Y, r.pv.scroll.Size().Height; y+r.pv.tiles[9].size.Height < top || y > top+h {
			t.Errorf("page 10 at %v, view shows %v..%v", y, top, top+h)
		}
	})
}

// A page whose pixels at the zoom would be over the renderer's bound is
// shown at the largest size it renders sharp, and rendered at that size.
func TestPageViewTallPageBounded(t *testing.T) {
	r := newPVRig(t)
	path := filepath.Join(t.TempDir(), "strip.pdf")
	if err := os.WriteFile(path, pages.SamplePDF([]pages.SamplePage{{Width: 72, Height: 14400}}), 0o600); err != nil {
		t.Fatal(err)
	}
	r.ui(func() { r.pv.SetSource(Source{Path: path}, nil) })
	r.waitFor("the page rendered", func() bool { return len(r.pv.tiles) == 1 && r.pv.tiles[0].img.Image != nil })
	r.ui(func() {
		tile := r.pv.tiles[0]
		b := tile.img.Image.Bounds()
		if b.Dy() > pages.MaxRenderSide || b.Dx()*b.Dy() > pages.MaxRenderPixels {
			t.Errorf("rendered %v", b.Size())
		}
		cs := r.pv.canvasScale()
		if got := tile.size.Height * cs; got > pages.MaxRenderSide+1 {
			t.Errorf("the tile is %v units (%v px) tall, over the render bound", tile.size.Height, got)
		}
		if got := r.pv.PageLabel.Text; got != "Page 1 of 1" {
			t.Errorf("label %q", got)
		}
	})
}

// In a narrow pane the toolbar wraps instead of clipping: every control
// lies within the view's width, and the pages start below the bar.
func TestPageViewToolbarWraps(t *testing.T) {
	r := newPVRig(t)
	path, blocks := threePages(t)
	r.ui(func() { r.pv.SetSource(Source{Path: path}, blocks) })
	r.waitFor("the document", func() bool { return r.pv.doc != nil })
	for _, width := range []float32{700, 260} {
		r.ui(func() {
			r.pv.Object().Resize(fyne.NewSize(width, 500))
			bar := r.pv.Object().(*fyne.Container).Objects[0].(*fyne.Container)
			var bottom float32
			for _, o := range bar.Objects {
				if right := o.Position().X + o.Size().Width; right > width {
					t.Errorf("width %v: a control ends at %v", width, right)
				}
				if o.Size().Width < o.MinSize().Width {
					t.Errorf("width %v: a control is squeezed to %v of %v", width, o.Size().Width, o.MinSize().Width)
				}
				bottom = max(bottom, o.Position().Y+o.Size().Height)
			}
			if y := r.pv.Object().(*fyne.Container).Objects[1].Position().Y; y < bottom {
				t.Errorf("width %v: the pages start at %v, above the bar's bottom %v", width, y, bottom)
			}
		})
	}
}

// The bar makes room for a second line when a control grows after the
// layout (the page label is set once the document is open).
func TestPageViewToolbarRewrapsWhenALabelGrows(t *testing.T) {
	r := newPVRig(t)
	r.ui(func() {
		r.pv.Object().Resize(fyne.NewSize(560, 400))
		bar := r.pv.Object().(*fyne.Container).Objects[0].(*fyne.Container)
		r.pv.PageLabel.SetText("Page 100 of 300, a long label")
		bar.Refresh() // as the label's own refresh lays its parent out
		var bottom float32
		for _, o := range bar.Objects {
			bottom = max(bottom, o.Position().Y+o.Size().Height)
		}
		if y := r.pv.Object().(*fyne.Container).Objects[1].Position().Y; y < bottom {
			t.Errorf("the pages start at %v, above the bar's bottom %v", y, bottom)
		}
	})
}

// A page without its picture (not rendered yet, or scrolled far away and
// let go) has its image hidden: Fyne paints a nil image as a blank texture
// the size of the page, which the GL driver kept (1 GB after scrolling
// through 300 pages in a real window).
func TestPageViewUnrenderedPagesPaintNothing(t *testing.T) {
	r := newPVRig(t)
	path := filepath.Join(t.TempDir(), "long.pdf")
	if err := os.WriteFile(path, pages.SamplePDF(make([]pages.SamplePage, 19)), 0o600); err != nil {
		t.Fatal(err)
	}
	r.ui(func() { r.pv.SetSource(Source{Path: path}, nil) })
	r.waitFor("page 1 rendered", func() bool { return len(r.pv.tiles) == 19 && r.pv.tiles[0].img.Image != nil })
	r.ui(func() { r.pv.GoTo(18) })
	r.waitFor("page 19 rendered", func() bool { return r.pv.tiles[18].img.Image != nil })
	r.ui(func() {
		for _, tile := range r.pv.tiles {
			if shown := tile.img.Image != nil; tile.img.Visible() != shown {
				t.Errorf("page %d: picture %v, image visible %v", tile.index+1, shown, tile.img.Visible())
			}
		}
		if r.pv.tiles[0].img.Image != nil {
			t.Error("page 1 kept its picture after going to page 19")
		}
	})
}

// TestPageViewNoBoxesNoToggle: a document shown without blocks (an edit's
// filled form) offers no Boxes toggle, which would do nothing.
func TestPageViewNoBoxesNoToggle(t *testing.T) {
	r := newPVRig(t)
	path, _ := threePages(t)
	r.ui(func() { r.pv.SetSource(Source{Path: path}, nil) })
	r.waitFor("the document without the Boxes toggle", func() bool { return r.pv.doc != nil && !r.pv.Boxes.Visible() })
}
