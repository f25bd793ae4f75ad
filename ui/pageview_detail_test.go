package ui

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/ui/internal/testpages"
)

// In the detail: ticking Page opens the document beside the result (not
// before); a block selected in the result is highlighted on its page, and
// a box tapped on the page selects its block in the result.
func TestDetailPageBesideResult(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	path := filepath.Join(t.TempDir(), "memo.pdf")
	pdf := pages.SamplePDF([]pages.SamplePage{
		{Texts: []pages.SampleText{{X: 72, Y: 100, Size: 24, Text: "Memo"}}},
		{Texts: []pages.SampleText{{X: 72, Y: 100, Size: 12, Text: "Second page"}}},
	})
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	raw := []byte(`{"job_id":"p-1","usage":{"num_pages":2},"result":{"type":"full","chunks":[
		{"content":"Memo","blocks":[{"type":"Title","content":"Memo","bbox":{"left":0.11,"top":0.09,"width":0.2,"height":0.04,"page":1}}]},
		{"content":"Second page","blocks":[{"type":"Text","content":"Second page","confidence":"low","bbox":{"left":0.11,"top":0.11,"width":0.3,"height":0.02,"page":2}}]}]}}`)
	j := jobs.Job{ID: 41, JobID: "p-1", File: path, Kind: jobs.KindParse, Status: jobs.StatusCompleted, Options: jobs.Options{Kind: jobs.KindParse}}
	d := r.u.detail
	r.onMain(func() {
		d.fill(j, nil, nil, raw, nil, buildResult(j.Kind, raw), jsonView(raw))
		r.u.win.Resize(fyne.NewSize(1000, 680))
		if d.pages.pv.HasDocument() || d.pages.loaded {
			t.Fatal("the document was opened before the page view was shown")
		}
		d.pages.Toggle.SetChecked(true)
	})
	r.eventually("the document beside the result", func() bool { return d.pages.pv.HasDocument() })
	r.onMain(func() {
		p := d.View.Parse
		// Rows: page 1, title, page 2, text.
		textRow := 3
		if p.m.rows[textRow].block != 1 {
			t.Fatalf("rows %+v", p.m.rows)
		}
		p.List.Select(textRow)
		if b, ok := d.pages.pv.Selected(); !ok || b.Index != 1 || d.pages.pv.CurrentPage() != 1 {
			t.Errorf("page view selected %+v %v on page %d, want block 1 on page 2", b, ok, d.pages.pv.CurrentPage()+1)
		}
		// Tap the title's box: the result selects the title's row.
		var selected []int
		p.List.OnSelected = chainSelected(p.List.OnSelected, &selected)
		test.Tap(d.pages.pv.Box(0))
		if len(selected) != 1 || selected[0] != 1 {
			t.Errorf("result rows selected %v, want [1] (the title)", selected)
		}
		if b, _ := d.pages.pv.Selected(); b.Index != 0 {
			t.Errorf("page view selection %+v after the tap", b)
		}
	})
}

func chainSelected(prev func(int), got *[]int) func(int) {
	return func(id int) {
		*got = append(*got, id)
		if prev != nil {
			prev(id)
		}
	}
}

// The page view can take a window of its own (the detail pane is narrow):
// the result is shown alone, "Page" stays ticked while the window is
// open, and closing the window unticks it.
func TestDetailPagesInTheirOwnWindow(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	path := filepath.Join(t.TempDir(), "memo.pdf")
	if err := os.WriteFile(path, pages.SamplePDF([]pages.SamplePage{{}, {}}), 0o600); err != nil {
		t.Fatal(err)
	}
	raw := []byte(`{"job_id":"p-1","usage":{"num_pages":2},"result":{"type":"full","chunks":[{"content":"Memo","blocks":[]}]}}`)
	j := jobs.Job{ID: 41, JobID: "p-1", File: path, Kind: jobs.KindParse, Status: jobs.StatusCompleted, Options: jobs.Options{Kind: jobs.KindParse}}
	d := r.u.detail
	r.onMain(func() {
		d.fill(j, nil, nil, raw, nil, buildResult(j.Kind, raw), jsonView(raw))
		test.Tap(d.pages.Window)
		dp := d.pages
		if dp.win == nil || dp.win.Content() != dp.pv.Object() {
			t.Fatal("no window showing the page view")
		}
		if !dp.Toggle.Checked || len(dp.stack.Objects) != 1 || dp.stack.Objects[0] != dp.result {
			t.Errorf("Page ticked %v, detail shows %d objects (want the result alone)", dp.Toggle.Checked, len(dp.stack.Objects))
		}
		if title := dp.win.Title(); title != "Pages of memo.pdf" {
			t.Errorf("window title %q", title)
		}
	})
	r.eventually("the document in the window", func() bool { return d.pages.pv.HasDocument() })
	r.onMain(func() {
		dp := d.pages
		dp.win.Close()
		if dp.win != nil || dp.Toggle.Checked {
			t.Errorf("after closing the window: window %v, Page ticked %v", dp.win, dp.Toggle.Checked)
		}
		// Ticking Page again puts the view beside the result.
		dp.Toggle.SetChecked(true)
		if dp.split == nil || dp.stack.Objects[0] != dp.split {
			t.Error("the page view did not come back beside the result")
		}
	})
}

// The page view opens documents with the renderer the core hands in
// (Config.Pages); ui makes none of its own, and without one the Result tab
// shows the result alone.
func TestDetailPagesUseTheRendererHandedIn(t *testing.T) {
	counted := &countingRenderer{Renderer: testpages.Renderer()}
	r := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) { cfg.Pages = counted })
	path := filepath.Join(t.TempDir(), "memo.pdf")
	if err := os.WriteFile(path, pages.SamplePDF([]pages.SamplePage{{}}), 0o600); err != nil {
		t.Fatal(err)
	}
	raw := []byte(`{"job_id":"p-1","usage":{"num_pages":1},"result":{"type":"full","chunks":[{"content":"Memo","blocks":[]}]}}`)
	j := jobs.Job{ID: 41, JobID: "p-1", File: path, Kind: jobs.KindParse, Status: jobs.StatusCompleted, Options: jobs.Options{Kind: jobs.KindParse}}
	d := r.u.detail
	r.onMain(func() {
		d.fill(j, nil, nil, raw, nil, buildResult(j.Kind, raw), jsonView(raw))
		d.pages.Toggle.SetChecked(true)
	})
	r.eventually("the document beside the result", func() bool { return d.pages.pv.HasDocument() })
	if n := counted.opens.Load(); n != 1 {
		t.Errorf("the renderer handed in opened %d documents, want 1", n)
	}

	bare := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) { cfg.Pages = nil })
	if bare.u.detail.pages != nil {
		t.Error("a page view without a renderer")
	}
}

// countingRenderer counts the documents opened through the renderer it
// wraps.
type countingRenderer struct {
	*pages.Renderer
	opens atomic.Int64
}

func (c *countingRenderer) Open(ctx context.Context, path string) (*pages.Document, error) {
	c.opens.Add(1)
	return c.Renderer.Open(ctx, path)
}
