package store

import (
	"context"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// completedWithResult makes a completed job of kind k with a (dummy) stored
// result, as the engine leaves one.
func completedWithResult(t *testing.T, s *Store, i int, k jobs.Kind) jobs.Job {
	t.Helper()
	j := testJob(i)
	j.Kind, j.Options.Kind = k, k
	j = mustCreate(t, s, j)[0]
	j, _ = mustUpdate(t, s, j.ID, jobs.StatusCompleted, Patch{Result: []byte(`{"result":{}}`)})
	return j
}

func indexSegs(t *testing.T, s *Store, job int64, segs ...SearchSegment) {
	t.Helper()
	if err := s.WriteSearchSegments(context.Background(), job, prepared(t, segs...), true, true); err != nil {
		t.Fatalf("WriteSearchSegments: %v", err)
	}
}

func prepared(t *testing.T, segs ...SearchSegment) []PreparedSegment {
	t.Helper()
	p, err := PrepareSegments(segs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func search(t *testing.T, s *Store, q jobs.SearchQuery) []jobs.SearchHit {
	t.Helper()
	hits, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Text, err)
	}
	return hits
}

func TestSearchFindsPagesFieldsAndBlocks(t *testing.T) {
	s, _ := newTestStore(t)
	contract := completedWithResult(t, s, 1, jobs.KindParse)
	invoice := completedWithResult(t, s, 2, jobs.KindExtract)
	cjk := completedWithResult(t, s, 3, jobs.KindParse)
	indexSegs(t, s, contract.ID,
		SearchSegment{Page: 1, Block: 0, Parts: []string{"Master Services Agreement", "Between Acme and Herr Müller"}},
		SearchSegment{Page: 2, Block: 2, Parts: []string{"Payment terms: net 30.", "The indemnification cap is twice the annual fees.", "Signed in Zürich"}},
	)
	indexSegs(t, s, invoice.ID,
		SearchSegment{Page: 1, Field: "vendor.name", Block: -1, Parts: []string{"Northwind Traders"}},
		SearchSegment{Page: 0, Field: "total", Block: -1, Parts: []string{"1,234.50"}},
	)
	indexSegs(t, s, cjk.ID, SearchSegment{Page: 3, Block: 7, Parts: []string{"本契約は東京都の法律に準拠する。"}})

	// A word on a page: the page, its block, a snippet with the word marked.
	hits := search(t, s, jobs.SearchQuery{Text: "indemnification"})
	if len(hits) != 1 || hits[0].Job.ID != contract.ID || hits[0].Page != 2 || hits[0].Block != 3 || hits[0].Name {
		t.Fatalf("indemnification: %+v, want contract page 2 block 3", hits)
	}
	if !strings.Contains(hits[0].Snippet, jobs.MarkStart+"indemnification"+jobs.MarkEnd) || hits[0].Score <= 0 {
		t.Errorf("snippet %q score %v: want the word marked and a positive score", hits[0].Snippet, hits[0].Score)
	}
	// The third block of page 2 (first block 2 + 2).
	if h := search(t, s, jobs.SearchQuery{Text: "Zurich"}); len(h) != 1 || h[0].Block != 4 {
		t.Errorf("Zurich (accent-free) hits %+v: want block 4", h)
	}
	// Case and accents do not matter.
	if h := search(t, s, jobs.SearchQuery{Text: "muller"}); len(h) != 1 || h[0].Page != 1 || h[0].Block != 1 {
		t.Errorf("muller: %+v, want page 1 block 1", h)
	}
	// Prefix, phrase, exclusion.
	if h := search(t, s, jobs.SearchQuery{Text: "indemn*"}); len(h) != 1 || h[0].Page != 2 {
		t.Errorf("indemn*: %+v", h)
	}
	// Prefixes of 4 letters (minPrefix) and more, accents folded.
	for _, q := range []string{"inde*", "Züri*", "zuric*"} {
		if h := search(t, s, jobs.SearchQuery{Text: q}); len(h) != 1 || h[0].Page != 2 {
			t.Errorf("%s: %+v, want page 2", q, h)
		}
	}
	// A prefix shorter than that is the word itself: "mas*" would merge
	// the lists of thousands of words in a big history.
	for _, q := range []string{"mas*", "mu*"} {
		if h := search(t, s, jobs.SearchQuery{Text: q}); len(h) != 0 {
			t.Errorf("%s: %+v, want nothing (no such word; Master and Müller are not searched)", q, h)
		}
	}
	if h := search(t, s, jobs.SearchQuery{Text: `"annual fees"`}); len(h) != 1 {
		t.Errorf(`"annual fees": %+v`, h)
	}
	if h := search(t, s, jobs.SearchQuery{Text: `"fees annual"`}); len(h) != 0 {
		t.Errorf(`"fees annual" (words in another order) found %+v`, h)
	}
	// -word leaves out documents that hold it anywhere, not just pages.
	if h := search(t, s, jobs.SearchQuery{Text: "agreement -zurich"}); len(h) != 0 {
		t.Errorf("agreement -zurich: %+v, want nothing (the contract says Zürich on page 2)", h)
	}
	if h := search(t, s, jobs.SearchQuery{Text: "acme -northwind"}); len(h) != 1 || h[0].Page != 1 {
		t.Errorf("acme -northwind: %+v, want page 1", h)
	}
	// Extract values carry their field; filters combine.
	h := search(t, s, jobs.SearchQuery{Text: "northwind"})
	if len(h) != 1 || h[0].Field != "vendor.name" || h[0].Job.ID != invoice.ID || h[0].Page != 1 {
		t.Fatalf("northwind: %+v", h)
	}
	if h := search(t, s, jobs.SearchQuery{Text: "northwind", Kind: jobs.KindParse}); len(h) != 0 {
		t.Errorf("northwind among parses: %+v", h)
	}
	if h := search(t, s, jobs.SearchQuery{Text: "northwind", Statuses: []jobs.Status{jobs.StatusFailed}}); len(h) != 0 {
		t.Errorf("northwind among failed jobs: %+v", h)
	}
	// CJK without spaces: any run of characters, two included.
	for _, q := range []string{"東京", "東京都", "法律"} {
		h := search(t, s, jobs.SearchQuery{Text: q})
		if len(h) != 1 || h[0].Job.ID != cjk.ID || h[0].Block != 7 {
			t.Errorf("%s: %+v", q, h)
			continue
		}
		if strings.Contains(h[0].Snippet, zwsp) || !strings.Contains(jobs.PlainSnippet(h[0].Snippet), "本契約は東京都") {
			t.Errorf("%s: snippet %q should read as the original text", q, h[0].Snippet)
		}
	}
	if h := search(t, s, jobs.SearchQuery{Text: "京東"}); len(h) != 0 {
		t.Errorf("京東 found %+v", h)
	}
	// Names: a hit on a file name comes first.
	h = search(t, s, jobs.SearchQuery{Text: "report-0002"})
	if len(h) != 1 || !h[0].Name || h[0].Job.ID != invoice.ID || h[0].Page != 0 {
		t.Errorf("name search: %+v", h)
	}
	// Nothing to look for, or a query of punctuation only: no hits, no error.
	for _, q := range []string{"", "-acme", `"`, "*", "AND OR NOT (", `"unterminated`} {
		if _, err := s.Search(context.Background(), jobs.SearchQuery{Text: q}); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
	}
}

func TestSearchIndexStateAndProgress(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestStore(t)
	a := completedWithResult(t, s, 1, jobs.KindParse)
	b := completedWithResult(t, s, 2, jobs.KindParse)
	mustCreate(t, s, testJob(3)) // no result: never due
	due, err := s.SearchDue(ctx, 0, 10)
	if err != nil || len(due) != 2 || due[0] != a.ID || due[1] != b.ID {
		t.Fatalf("SearchDue = %v, %v; want [%d %d]", due, err, a.ID, b.ID)
	}
	// A result written in two transactions is due until the last one.
	if err := s.WriteSearchSegments(ctx, a.ID, prepared(t, SearchSegment{Page: 1, Block: 0, Parts: []string{"alpha"}}), true, false); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.SearchDue(ctx, 0, 10); len(due) != 2 {
		t.Errorf("after a first part: due %v, want both", due)
	}
	// An interrupted pass starts over: its rows are replaced, not doubled.
	indexSegs(t, s, a.ID, SearchSegment{Page: 1, Block: 0, Parts: []string{"alpha"}})
	if h := search(t, s, jobs.SearchQuery{Text: "alpha"}); len(h) != 1 {
		t.Errorf("alpha after a restarted pass: %d hits, want 1", len(h))
	}
	if done, total, err := s.SearchProgress(ctx); err != nil || done != 1 || total != 2 {
		t.Errorf("progress = %d/%d, %v; want 1/2", done, total, err)
	}
	if due, _ := s.SearchDue(ctx, 0, 10); len(due) != 1 || due[0] != b.ID {
		t.Errorf("due %v, want [%d]", due, b.ID)
	}
	// A replaced result is due again.
	if _, err := s.w.Exec(`UPDATE results SET compressed = x'00' WHERE job = ?`, a.ID); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.SearchIndexed(ctx, a.ID); ok {
		t.Error("a replaced result still counts as indexed")
	}
	// The index matches its content (rows added beside their deflated
	// text); a deleted job takes its rows out of both.
	integrity := func(when string) {
		if _, err := s.w.Exec(`INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Errorf("index integrity %s: %v", when, err)
		}
	}
	integrity("after indexing")
	if _, err := s.w.Exec(`DELETE FROM jobs WHERE id = ?`, a.ID); err != nil {
		t.Fatal(err)
	}
	integrity("after a deletion")
	if h := search(t, s, jobs.SearchQuery{Text: "alpha"}); len(h) != 0 {
		t.Errorf("alpha after its job was deleted: %+v", h)
	}
	if err := s.MergeSearchIndex(ctx, 16); err != nil {
		t.Error(err)
	}
	// A job that no longer exists is refused.
	if err := s.WriteSearchSegments(ctx, 999, nil, true, true); err == nil {
		t.Error("indexing a missing job: no error")
	}
}

func TestParseSearch(t *testing.T) {
	for q, want := range map[string][2]string{
		`indemnity cap`:               {`"indemnity" AND "cap"`, ``},
		`"indemnity cap" -old -"a b"`: {`"indemnity cap"`, `"old" OR "a b"`},
		`indemn* -"draft copy"`:       {`"indemn"*`, `"draft copy"`},
		`say "hi`:                     {`"say" AND "hi"`, ``},
		`a"b`:                         {`"a""b"`, ``},
		`-only`:                       {``, ``},
		`東京`:                          {`"東` + zwsp + `京"`, ``},
	} {
		if pos, neg := parseSearch(q).match(); pos != want[0] || neg != want[1] {
			t.Errorf("match(%q) = %q, %q; want %q, %q", q, pos, neg, want[0], want[1])
		}
	}
}
