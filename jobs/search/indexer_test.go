package search

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// parseResult is a parse response of pages pages, blocks blocks a page;
// block b of page p reads "doc D page P block B" plus words.
func parseResult(doc, pages, blocks int, words string) []byte {
	return parseJSON(pages, blocks, func(p, b int) string { return fmt.Sprintf("doc%d page%d block%d %s", doc, p, b, words) })
}

// parseJSON is a parse response of pages pages, blocks blocks a page,
// each with a box, block b of page p reading content(p, b).
func parseJSON(pages, blocks int, content func(page, block int) string) []byte {
	type bbox struct {
		Left, Top, Width, Height float64
		Page                     int `json:"page"`
	}
	type block struct {
		Type    string `json:"type"`
		Content string `json:"content"`
		BBox    bbox   `json:"bbox"`
	}
	var bs []block
	for p := 1; p <= pages; p++ {
		for b := 0; b < blocks; b++ {
			bs = append(bs, block{Type: "Text", Content: content(p, b), BBox: bbox{0.1, 0.9 * float64(b) / float64(blocks), 0.8, 0.04, p}})
		}
	}
	out, _ := json.Marshal(map[string]any{"usage": map[string]int{"num_pages": pages},
		"result": map[string]any{"type": "full", "chunks": []any{map[string]any{"content": "", "blocks": bs}}}})
	return out
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// addCompleted stores a completed job of kind k with result raw.
func addCompleted(t *testing.T, st *store.Store, i int, k jobs.Kind, raw []byte) int64 {
	t.Helper()
	ctx := context.Background()
	js, err := st.Create(ctx, []jobs.Job{{File: fmt.Sprintf("/docs/file-%d.pdf", i), Kind: k, Webhook: jobs.WebhookNone,
		ClientRef: fmt.Sprintf("ref-%d", i), Options: jobs.Options{Kind: k, Webhook: jobs.WebhookNone}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Update(ctx, js[0].ID, jobs.StatusCompleted, store.Patch{Result: raw}); err != nil {
		t.Fatal(err)
	}
	return js[0].ID
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestBackfillStopsAndResumes: an older history's results are indexed by
// a pass; a pass stopped in the middle of a document (a quit) leaves the
// index usable, and the next start's pass finishes it with every page
// once.
func TestBackfillStopsAndResumes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	st := openStore(t, path)
	const docs, pages = 12, 120
	var ids []int64
	for d := 0; d < docs; d++ {
		ids = append(ids, addCompleted(t, st, d, jobs.KindParse, parseResult(d, pages, 6, "indemnity cap of Müller, payable within thirty days of the invoice date")))
	}
	ix := New(st, quiet())
	var reports []jobs.IndexProgress
	ix.OnProgress(func(p jobs.IndexProgress) { reports = append(reports, p) })
	ctx, cancel := context.WithCancel(context.Background())
	ix.afterWrite = func(job int64, last bool) {
		// Stop in the middle of the fifth document (every document takes
		// several transactions).
		if job == ids[4] && !last {
			cancel()
		}
	}
	if err := ix.Pass(ctx); err == nil {
		t.Fatal("a stopped pass reported no error")
	}
	done, total, err := st.SearchProgress(context.Background())
	if err != nil || done != 4 || total != docs {
		t.Fatalf("after the stop: %d of %d indexed (%v), want 4 of %d", done, total, err, docs)
	}
	if len(reports) == 0 || !reports[0].Running || reports[0].Total != docs || reports[len(reports)-1].Running {
		t.Errorf("progress reports %+v: want a running one first and a stopped one last", reports)
	}
	st.Close()

	// The next start: a new store and indexer on the same file.
	st = openStore(t, path)
	defer st.Close()
	ix = New(st, quiet())
	if err := ix.Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := ix.Progress(); p.Done != docs || p.Total != docs || p.Running {
		t.Errorf("progress after the resumed pass %+v, want %d of %d, not running", p, docs, docs)
	}
	for d := 0; d < docs; d++ {
		hits, err := st.Search(context.Background(), jobs.SearchQuery{Text: fmt.Sprintf("doc%d muller", d), Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != pages {
			t.Errorf("doc %d: %d hits for a word on every page, want %d (each page once)", d, len(hits), pages)
		}
	}
	// The document the stop cut in two is whole, its pages once each.
	hits, _ := st.Search(context.Background(), jobs.SearchQuery{Text: `"doc4 page17"`})
	if len(hits) != 1 || hits[0].Job.ID != ids[4] || hits[0].Page != 17 || hits[0].Block != 16*6 {
		t.Errorf(`"doc4 page17": %+v, want job %d page 17 block %d`, hits, ids[4], 16*6)
	}
	// Nothing is due any more; a new result is, and Run takes it.
	if due, _ := st.SearchDue(context.Background(), 0, 10); len(due) != 0 {
		t.Errorf("due after the pass: %v", due)
	}
}

// TestRunIndexesEachKindAsItArrives: Run indexes results stored after it
// started when told (the core tells it on each completion): a parse's
// blocks, an extract's fields with their pages, a split's sections.
func TestRunIndexesEachKindAsItArrives(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "history.db"))
	defer st.Close()
	ix := New(st, quiet())
	idle := make(chan jobs.IndexProgress, 16)
	ix.OnProgress(func(p jobs.IndexProgress) {
		if !p.Running {
			idle <- p
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ix.Run(ctx)
	<-idle // the first pass, over an empty history

	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "result", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	parse := addCompleted(t, st, 1, jobs.KindParse, read("parse.json"))
	extract := addCompleted(t, st, 2, jobs.KindExtract, read("extract.json"))
	split := addCompleted(t, st, 3, jobs.KindSplit, read("split.json"))
	bad := addCompleted(t, st, 4, jobs.KindParse, []byte(`{"result": "not a parse"}`))
	ix.Stored()
	for p := range idle {
		if p.Done == 4 {
			break
		}
	}
	for _, c := range []struct {
		q     string
		job   int64
		page  int
		field string
	}{
		{"grew", parse, 1, ""},
		{"ACME", extract, 1, "vendor"},
		{"berlin", extract, 0, "address.city"},
		{"back-order", extract, 0, "line_items[1].note"},
		{"conditions", split, 3, ""},
	} {
		hits, err := st.Search(ctx, jobs.SearchQuery{Text: c.q})
		if err != nil {
			t.Fatal(err)
		}
		var content []jobs.SearchHit
		for _, h := range hits {
			if !h.Name {
				content = append(content, h)
			}
		}
		if len(content) == 0 || content[0].Job.ID != c.job || content[0].Page != c.page || content[0].Field != c.field {
			t.Errorf("%s: %+v, want job %d page %d field %q", c.q, content, c.job, c.page, c.field)
		}
	}
	// An unreadable result is recorded, not read again on every pass.
	if ok, _ := st.SearchIndexed(ctx, bad); !ok {
		t.Error("an unreadable result stays due")
	}
	if h, _ := st.Search(ctx, jobs.SearchQuery{Text: "figure*"}); len(h) == 0 || !strings.Contains(h[0].Snippet, jobs.MarkStart) {
		t.Errorf("figure*: %+v", h)
	}
}
