package core

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/pages"
)

// TestSandboxBoxesLandOnTheWords: a PDF whose layout is known, parsed in
// the sandbox, comes back with one block per line whose content is the
// line's text and whose bbox holds where that text really is.
func TestSandboxBoxesLandOnTheWords(t *testing.T) {
	type line struct {
		page       int
		x, y, size float64 // baseline start, points from the top-left
		text       string
	}
	want := []line{
		{1, 72, 100, 24, "Invoice 2024-117"},
		{1, 72, 400, 12, "Total due EUR 1,250.00"},
		{2, 300, 700, 12, "Thank you"},
	}
	var sp []pages.SamplePage
	for _, l := range want {
		for len(sp) < l.page {
			sp = append(sp, pages.SamplePage{})
		}
		sp[l.page-1].Texts = append(sp[l.page-1].Texts, pages.SampleText{X: l.x, Y: l.y, Size: l.size, Text: l.text})
	}
	doc := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(doc, pages.SamplePDF(sp), 0o600); err != nil {
		t.Fatal(err)
	}

	a, _ := startCore(t, Flags{Sandbox: true}, nil)
	ctx := context.Background()
	queued, _, err := a.Submit(ctx, []string{doc}, jobs.Options{Kind: jobs.KindParse})
	if err != nil || len(queued) != 1 {
		t.Fatalf("submit: %v", err)
	}
	var j jobs.Job
	waitFor(t, "the parse to complete", func() bool {
		j, err = a.Engine().Job(ctx, queued[0].ID)
		return err == nil && (j.Status == jobs.StatusCompleted || j.Status == jobs.StatusFailed)
	})
	if j.Status != jobs.StatusCompleted {
		t.Fatalf("job %+v did not complete", j)
	}
	raw, err := a.Engine().Result(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	type block struct {
		Content string `json:"content"`
		BBox    struct {
			Left, Top, Width, Height float64
			Page                     int
		} `json:"bbox"`
	}
	var res struct {
		Chunks []struct {
			Blocks []block `json:"blocks"`
		} `json:"chunks"`
		Result struct {
			Chunks []struct {
				Blocks []block `json:"blocks"`
			} `json:"chunks"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("result %s: %v", raw, err)
	}
	chunks := res.Result.Chunks
	if len(chunks) == 0 {
		chunks = res.Chunks
	}
	var blocks []block
	for _, c := range chunks {
		blocks = append(blocks, c.Blocks...)
	}
	if len(blocks) != len(want) {
		t.Fatalf("%d blocks, want %d (one a line): %+v", len(blocks), len(want), blocks)
	}
	const tol = 0.01 // of the page: about 6 pt across, 8 pt down
	for i, l := range want {
		b := blocks[i]
		if b.Content != l.text || b.BBox.Page != l.page {
			t.Errorf("block %d: %q on page %d, want %q on page %d", i, b.Content, b.BBox.Page, l.text, l.page)
			continue
		}
		// The line starts at x, its baseline is at y and its capitals rise
		// about 0.7 of the size above it: all inside the box.
		left, base, capTop := l.x/612, l.y/792, (l.y-0.7*l.size)/792
		bb := b.BBox
		inside := func(x, y float64) bool {
			return x >= bb.Left-tol && x <= bb.Left+bb.Width+tol && y >= bb.Top-tol && y <= bb.Top+bb.Height+tol
		}
		if !inside(left, base) || !inside(left, capTop) || bb.Left < left-tol || bb.Height > 1.5*l.size/792 {
			t.Errorf("block %q: box %+v does not hold its text at (%.3f, %.3f-%.3f)", b.Content, bb, left, capTop, base)
		}
		// And it ends where the text ends: no wider than Helvetica's widest
		// glyphs (about 0.72 of the size each) make it.
		if maxW := 0.72 * l.size * float64(len(l.text)) / 612; bb.Width > maxW || bb.Width < maxW/4 {
			t.Errorf("block %q: width %.3f, want up to %.3f", b.Content, bb.Width, maxW)
		}
		if strings.TrimSpace(b.Content) == "" {
			t.Errorf("block %d has no text", i)
		}
	}
}

// The sandbox's page count is the document's, as the page view counts it:
// a 6-page PDF with text on two pages and none on the others (scanned
// pages), and one with no text at all, both say 6 pages (the second was
// counted by its file size before: 1 page).
func TestSandboxPageCountIsTheDocuments(t *testing.T) {
	mixed := make([]pages.SamplePage, 6)
	bare := make([]pages.SamplePage, 6)
	for i := range mixed {
		bare[i] = pages.SamplePage{Rects: []pages.SampleRect{{X: 72, Y: 72, W: 100, H: 100, B: 1}}}
		mixed[i] = bare[i]
	}
	mixed[0].Texts = []pages.SampleText{{X: 72, Y: 300, Size: 12, Text: "Scanned report"}}
	mixed[3].Texts = []pages.SampleText{{X: 72, Y: 300, Size: 12, Text: "Page four"}}
	dir := t.TempDir()
	a, _ := startCore(t, Flags{Sandbox: true}, nil)
	ctx := context.Background()
	r := pages.New(sandboxPages)
	defer r.Close()
	for name, sp := range map[string][]pages.SamplePage{"mixed.pdf": mixed, "scan.pdf": bare} {
		data := pages.SamplePDF(sp)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := r.OpenBytes(ctx, name, data)
		if err != nil {
			t.Fatal(err)
		}
		want := d.PageCount()
		d.Close()
		queued, _, err := a.Submit(ctx, []string{path}, jobs.Options{Kind: jobs.KindParse})
		if err != nil || len(queued) != 1 {
			t.Fatalf("submit: %v", err)
		}
		var j jobs.Job
		waitFor(t, "the parse to complete", func() bool {
			j, err = a.Engine().Job(ctx, queued[0].ID)
			return err == nil && (j.Status == jobs.StatusCompleted || j.Status == jobs.StatusFailed)
		})
		if j.Status != jobs.StatusCompleted || j.Pages != want || want != 6 {
			t.Errorf("%s: status %s, %d pages; the PDF has %d", name, j.Status, j.Pages, want)
		}
	}
}
