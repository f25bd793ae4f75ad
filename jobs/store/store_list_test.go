package store

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// seedVaried creates n jobs with every kind and status, one hour apart,
// and returns them as stored (oldest first).
func seedVaried(t *testing.T, s *Store, n int) []jobs.Job {
	t.Helper()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	kinds := []jobs.Kind{jobs.KindParse, jobs.KindExtract, jobs.KindSplit}
	in := make([]jobs.Job, n)
	for i := range in {
		in[i] = testJob(i)
		in[i].Kind = kinds[i%3]
		in[i].Options.Kind = in[i].Kind
		in[i].CreatedAt = base.Add(time.Duration(i) * time.Hour)
	}
	js := mustCreate(t, s, in...)
	for i := range js {
		to := jobs.AllStatuses[(i*5)%len(jobs.AllStatuses)]
		if to != jobs.StatusQueued {
			js[i], _ = mustUpdate(t, s, js[i].ID, to, Patch{})
		}
	}
	return js
}

// expect filters all (oldest first) the way Query q means, newest first.
func expect(all []jobs.Job, q jobs.Query) []int64 {
	var ids []int64
	for i := len(all) - 1; i >= 0; i-- {
		j := all[i]
		if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, j.Status) {
			continue
		}
		if q.Kind != "" && j.Kind != q.Kind {
			continue
		}
		if !q.Since.IsZero() && j.CreatedAt.Before(q.Since) {
			continue
		}
		if !q.Until.IsZero() && !j.CreatedAt.Before(q.Until) {
			continue
		}
		if q.BeforeID > 0 && j.ID >= q.BeforeID {
			continue
		}
		ids = append(ids, j.ID)
	}
	return ids
}

func ids(js []jobs.Job) []int64 {
	out := make([]int64, len(js))
	for i, j := range js {
		out[i] = j.ID
	}
	return out
}

func TestListAndCountMatchFilters(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	all := seedVaried(t, s, 300)
	mid := all[150].CreatedAt
	queries := []jobs.Query{
		{},
		{Statuses: []jobs.Status{jobs.StatusCompleted}},
		{Statuses: []jobs.Status{jobs.StatusFailed, jobs.StatusQueued, jobs.StatusRunning}},
		{Statuses: []jobs.Status{jobs.StatusCompleted, jobs.StatusCompleted}},
		{Kind: jobs.KindExtract},
		{Kind: jobs.KindSplit, Statuses: []jobs.Status{jobs.StatusPending, jobs.StatusCancelled}},
		{Since: mid},
		{Until: mid},
		{Since: all[40].CreatedAt, Until: all[60].CreatedAt},
		{Since: all[40].CreatedAt, Until: all[260].CreatedAt, Statuses: []jobs.Status{jobs.StatusUploading}},
		{Since: all[10].CreatedAt, Until: all[290].CreatedAt, Statuses: []jobs.Status{jobs.StatusUploading, jobs.StatusFailed}, Kind: jobs.KindParse},
		{BeforeID: all[100].ID},
		{BeforeID: all[200].ID, Statuses: []jobs.Status{jobs.StatusRunning, jobs.StatusQueued}},
	}
	for i, q := range queries {
		want := expect(all, q)
		q.Limit = 1000
		got, err := s.List(ctx, q)
		if err != nil {
			t.Fatalf("query %d %+v: %v", i, q, err)
		}
		if !slices.Equal(ids(got), want) && !(len(want) == 0 && len(got) == 0) {
			t.Errorf("query %d %+v:\n got %v\nwant %v", i, q, ids(got), want)
		}
		n, err := s.Count(ctx, q)
		if err != nil || n != len(want) {
			t.Errorf("Count query %d %+v = %d, %v; want %d", i, q, n, err, len(want))
		}
	}
	if got, _ := s.List(ctx, jobs.Query{}); len(got) != defaultLimit {
		t.Fatalf("default page = %d rows, want %d", len(got), defaultLimit)
	}
	if _, err := s.List(ctx, jobs.Query{Statuses: []jobs.Status{"bogus"}}); err == nil {
		t.Fatal("List with an invalid status succeeded")
	}
}

func TestListKeysetPagingVisitsEachOnce(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	all := seedVaried(t, s, 230)
	for _, q := range []jobs.Query{{}, {Statuses: []jobs.Status{jobs.StatusCompleted, jobs.StatusFailed}}, {Search: "report-0"}, {Search: "t-"}} {
		var seen []int64
		q.Limit = 17
		for {
			page, err := s.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			seen = append(seen, ids(page)...)
			q.BeforeID = page[len(page)-1].ID
		}
		want := expect(all, jobs.Query{Statuses: q.Statuses})
		if !slices.Equal(seen, want) {
			t.Fatalf("paging %+v visited %d ids, want %d in order", q, len(seen), len(want))
		}
	}
}

func TestSearchSubstring(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	names := []string{
		"Rapport-Ünïcode.PDF",
		"ÉCOLE notes.txt",
		"invoice 2024-03.pdf",
		"100%_done.pdf",
		"a_b.txt",
		"axb.txt",
		`quote"d.pdf`,
		"日本語の書類.pdf",
	}
	byName := map[string]int64{}
	for i, n := range names {
		j := testJob(i)
		j.File = "/srv/in box/" + n
		byName[n] = mustCreate(t, s, j)[0].ID
	}
	cases := []struct {
		search string
		want   []string
	}{
		{"ünï", []string{"Rapport-Ünïcode.PDF"}},
		{"ÜNÏCODE", []string{"Rapport-Ünïcode.PDF"}},
		{"école", []string{"ÉCOLE notes.txt"}},
		{"e no", []string{"ÉCOLE notes.txt"}},
		{"PDF", []string{"日本語の書類.pdf", `quote"d.pdf`, "100%_done.pdf", "invoice 2024-03.pdf", "Rapport-Ünïcode.PDF"}},
		{"voice 2024", []string{"invoice 2024-03.pdf"}},
		{"in box", nil}, // the folder is not searched, only the base name
		{"本語の", []string{"日本語の書類.pdf"}},
		{`e"d`, []string{`quote"d.pdf`}},
		{"%", []string{"100%_done.pdf"}},        // LIKE fallback, % literal
		{"_b", []string{"a_b.txt"}},             // LIKE fallback, _ literal
		{"RA", []string{"Rapport-Ünïcode.PDF"}}, // ASCII case folded
		{"書類", []string{"日本語の書類.pdf"}},
		{"zzz", nil},
	}
	for _, c := range cases {
		got, err := s.List(ctx, jobs.Query{Search: c.search})
		if err != nil {
			t.Fatalf("search %q: %v", c.search, err)
		}
		var want []int64
		for _, n := range c.want {
			want = append(want, byName[n])
		}
		if !reflect.DeepEqual(ids(got), want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("search %q = %v, want %v", c.search, ids(got), want)
		}
		n, err := s.Count(ctx, jobs.Query{Search: c.search})
		if err != nil || n != len(c.want) {
			t.Errorf("Count search %q = %d, %v; want %d", c.search, n, err, len(c.want))
		}
	}
	// Search combines with the other filters.
	mustUpdate(t, s, byName["invoice 2024-03.pdf"], jobs.StatusFailed, Patch{})
	got, err := s.List(ctx, jobs.Query{Search: "pdf", Statuses: []jobs.Status{jobs.StatusFailed}})
	if err != nil || !slices.Equal(ids(got), []int64{byName["invoice 2024-03.pdf"]}) {
		t.Fatalf("search+status = %v, %v", ids(got), err)
	}
	if n, _ := s.Count(ctx, jobs.Query{Search: "pdf", Statuses: []jobs.Status{jobs.StatusQueued}}); n != 4 {
		t.Fatalf("Count search+status = %d, want 4", n)
	}
}

func TestCountTracksStatusChanges(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	js := seedVaried(t, s, 70)
	for _, j := range js[:20] {
		mustUpdate(t, s, j.ID, jobs.StatusCancelled, Patch{})
	}
	var all []jobs.Job
	for _, j := range js {
		g, err := s.Get(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, g)
	}
	for _, st := range jobs.AllStatuses {
		for _, k := range []jobs.Kind{"", jobs.KindParse, jobs.KindSplit} {
			q := jobs.Query{Statuses: []jobs.Status{st}, Kind: k}
			want := len(expect(all, q))
			if n, err := s.Count(ctx, q); err != nil || n != want {
				t.Errorf("Count %s/%s = %d, %v; want %d", st, k, n, err, want)
			}
		}
	}
	if n, _ := s.Count(ctx, jobs.Query{}); n != 70 {
		t.Fatalf("Count all = %d", n)
	}
}

// TestListDateRangeExactWhenClocksJump gives jobs creation times out of id
// order (a clock set back, imported history): the date-range planner
// guesses from id order, so each of its plans must still return the exact
// page.
func TestListDateRangeExactWhenClocksJump(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	const n = 400
	in := make([]jobs.Job, n)
	for i := range in {
		in[i] = testJob(i)
		h := i
		if i%7 == 3 {
			h = (i * 193) % n // scattered
		}
		in[i].CreatedAt = base.Add(time.Duration(h) * time.Hour)
	}
	all := mustCreate(t, s, in...)
	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }
	for _, r := range [][2]int{{0, 10}, {5, 60}, {20, 380}, {300, 390}, {390, 400}, {350, 1000}, {-5, 3}, {500, 600}} {
		for _, before := range []int64{0, all[200].ID, all[380].ID} {
			for _, limit := range []int{5, 1000} {
				q := jobs.Query{Since: at(r[0]), Until: at(r[1]), BeforeID: before, Limit: limit}
				want := expect(all, q)
				if len(want) > limit {
					want = want[:limit]
				}
				got, err := s.List(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ids(got), want) && !(len(got) == 0 && len(want) == 0) {
					t.Errorf("range %v before %d limit %d:\n got %v\nwant %v", r, before, limit, ids(got), want)
				}
			}
		}
	}
}
