package ui

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/search"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// storeSearcher is the core's Searcher over the rig's real store and a
// real indexer.
type storeSearcher struct {
	st *store.Store
	ix *search.Indexer
}

func (s storeSearcher) Search(ctx context.Context, q jobs.SearchQuery) ([]jobs.SearchHit, error) {
	return s.st.Search(ctx, q)
}
func (s storeSearcher) IndexProgress() jobs.IndexProgress { return s.ix.Progress() }

// TestSearchOpensTheHitOnItsPage: words typed in the Jobs search box find
// a parsed document's page; the place shows the file, page and the words
// in bold; choosing it opens the job with the result at the block and the
// page view at its page with the block's box selected.
func TestSearchOpensTheHitOnItsPage(t *testing.T) {
	var ss *storeSearcher
	r := newRigWith(t, reductotest.Config{}, func(r *rig, cfg *Config) {
		ss = &storeSearcher{st: r.store, ix: search.New(r.store, slog.New(slog.NewTextHandler(io.Discard, nil)))}
		cfg.Search = ss
	})
	path := filepath.Join(t.TempDir(), "contract.pdf")
	pdf := pages.SamplePDF([]pages.SamplePage{
		{Texts: []pages.SampleText{{X: 72, Y: 100, Size: 24, Text: "Agreement"}}},
		{Texts: []pages.SampleText{{X: 72, Y: 100, Size: 12, Text: "Payment terms"}, {X: 72, Y: 400, Size: 12, Text: "The indemnity cap is twice the fees"}}},
	})
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	raw := []byte(`{"job_id":"p-1","usage":{"num_pages":2},"result":{"type":"full","chunks":[
		{"content":"","blocks":[{"type":"Title","content":"Agreement","bbox":{"left":0.11,"top":0.09,"width":0.3,"height":0.04,"page":1}}]},
		{"content":"","blocks":[{"type":"Text","content":"Payment terms","bbox":{"left":0.11,"top":0.11,"width":0.3,"height":0.02,"page":2}},
			{"type":"Text","content":"The indemnity cap is twice the fees","bbox":{"left":0.11,"top":0.48,"width":0.6,"height":0.02,"page":2}}]}]}}`)
	ctx := context.Background()
	js, err := r.store.Create(ctx, []jobs.Job{{File: path, Kind: jobs.KindParse, Webhook: jobs.WebhookNone, ClientRef: "search-1",
		Options: jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookNone}}})
	if err != nil {
		t.Fatal(err)
	}
	id := js[0].ID
	if _, _, err := r.store.Update(ctx, id, jobs.StatusCompleted, store.Patch{Result: raw}); err != nil {
		t.Fatal(err)
	}
	if err := ss.ix.Pass(ctx); err != nil {
		t.Fatal(err)
	}

	sv := r.u.search
	r.onMain(func() {
		if !strings.Contains(r.u.list.Search.PlaceHolder, "contents") {
			t.Errorf("search box placeholder %q does not say it searches contents", r.u.list.Search.PlaceHolder)
		}
		r.u.list.Search.SetText("indemn*")
	})
	r.eventually("the place in the document", func() bool { return len(sv.hits) == 1 })
	r.onMain(func() {
		if sv.stack.Objects[0] != sv.places {
			t.Error("no file name matches, yet the places do not have the pane")
		}
		if !strings.Contains(sv.Header.Text, "1 place") {
			t.Errorf("header %q", sv.Header.Text)
		}
		o := newHitRow()
		sv.updateRow(0, o)
		hr := o.(*hitRow)
		if hr.title.Text != "contract.pdf · p. 2" {
			t.Errorf("title %q", hr.title.Text)
		}
		var bold []string
		for _, s := range hr.snippet.Segments {
			if ts, ok := s.(*widget.TextSegment); ok && ts.Style.TextStyle.Bold {
				bold = append(bold, ts.Text)
			}
		}
		if len(bold) != 1 || bold[0] != "indemnity" {
			t.Errorf("bold words %q, want [indemnity]", bold)
		}
		sv.List.Select(0)
	})
	d := r.u.detail
	r.eventually("the page view at the hit's box", func() bool {
		b, ok := d.pages.pv.Selected()
		return d.job.ID == id && d.pages.Toggle.Checked && ok && b.Index == 2
	})
	r.onMain(func() {
		if p := d.pages.pv.CurrentPage(); p != 1 {
			t.Errorf("page view on page %d, want 2", p+1)
		}
		// The result list is at the block: rows are page 1, title, page 2,
		// payment terms, the indemnity text.
		if p := d.View.Parse; p == nil || p.m.rows[4].block != 2 {
			t.Fatalf("result rows %+v", p.m.rows)
		}
		// Clearing the box puts the job list back alone.
		r.u.list.Search.SetText("")
		if sv.stack.Objects[0] == sv.split {
			t.Error("the places stay after the search was cleared")
		}
	})
	// A word in a file name: the places share the pane with the job list.
	r.onMain(func() { r.u.list.Search.SetText("contract") })
	r.eventually("the places above the jobs named so", func() bool { return sv.text == "contract" && sv.stack.Objects[0] == sv.split })
	// Nothing found: the header says so, and what search cannot see.
	r.onMain(func() { r.u.list.Search.SetText("zanzibar") })
	r.eventually("the empty answer", func() bool { return sv.text == "zanzibar" })
	r.onMain(func() {
		if len(sv.hits) != 0 || !strings.Contains(sv.Header.Text, "No parsed text matches") || !strings.Contains(sv.Header.Text, "not searched") {
			t.Errorf("no match: %d hits, header %q", len(sv.hits), sv.Header.Text)
		}
	})
}
