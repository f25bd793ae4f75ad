package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// newHistory creates n jobs in a real store; every third is completed.
func newHistory(t testing.TB, path string, n int) *store.Store {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for lo := 0; lo < n; lo += 5000 {
		batch := make([]jobs.Job, 0, 5000)
		for i := lo; i < min(lo+5000, n); i++ {
			name := fmt.Sprintf("report-%d.pdf", i)
			if i%10 == 0 {
				name = fmt.Sprintf("invoice-%d.pdf", i)
			}
			batch = append(batch, jobs.Job{File: "/docs/" + name, ClientRef: fmt.Sprintf("ref-%d", i),
				Options: jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookNone}})
		}
		created, err := s.Create(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range created {
			if j.ID%3 == 0 {
				if _, _, err := s.Update(ctx, j.ID, jobs.StatusCompleted, store.Patch{}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return s
}

// all reads every row q selects, page by page, as the reference order.
func all(t *testing.T, s *store.Store, q jobs.Query) []jobs.Job {
	var out []jobs.Job
	q.Limit = 500
	for {
		js, err := s.List(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, js...)
		if len(js) < q.Limit {
			return out
		}
		q.BeforeID = js[len(js)-1].ID
	}
}

// rowAt reads position i through the pager, fetching as the list does.
func rowAt(t *testing.T, p *pager, i int) jobs.Job {
	t.Helper()
	for range 3 {
		j, ok, fetch := p.Row(i)
		if ok {
			return j
		}
		if fetch < 0 {
			t.Fatalf("row %d neither cached nor fetchable", i)
		}
		if _, err := p.fetch(context.Background(), fetch); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("row %d never loaded", i)
	return jobs.Job{}
}

func TestPagerRandomAccessMatchesKeysetOrder(t *testing.T) {
	s := newHistory(t, filepath.Join(t.TempDir(), "h.db"), 2345)
	defer s.Close()
	for _, q := range []jobs.Query{{}, {Statuses: []jobs.Status{jobs.StatusCompleted}}, {Search: "invoice"}} {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			want := all(t, s, q)
			p := newPager(s)
			if err := p.reset(context.Background(), q); err != nil {
				t.Fatal(err)
			}
			if p.Len() != len(want) {
				t.Fatalf("len = %d, want %d", p.Len(), len(want))
			}
			// Jump around (positions far from any fetched page), then check
			// every row, which mixes cached, evicted and anchored pages.
			rng := rand.New(rand.NewPCG(1, 2))
			for range 50 {
				i := rng.IntN(len(want))
				if got := rowAt(t, p, i); got.ID != want[i].ID {
					t.Fatalf("row %d = id %d, want %d", i, got.ID, want[i].ID)
				}
			}
			for i := len(want) - 1; i >= 0; i -= 7 {
				if got := rowAt(t, p, i); got.ID != want[i].ID {
					t.Fatalf("row %d = id %d, want %d", i, got.ID, want[i].ID)
				}
			}
			p.mu.Lock()
			cached := len(p.pages)
			p.mu.Unlock()
			if cached > maxCachedPages {
				t.Fatalf("%d pages cached, bound is %d", cached, maxCachedPages)
			}
		})
	}
}

func TestPagerEventsKeepPositions(t *testing.T) {
	s := newHistory(t, filepath.Join(t.TempDir(), "h.db"), 300)
	defer s.Close()
	ctx := context.Background()
	p := newPager(s)
	if err := p.reset(ctx, jobs.Query{}); err != nil {
		t.Fatal(err)
	}
	last := rowAt(t, p, 299)
	created, err := s.Create(ctx, []jobs.Job{{File: "/docs/new.pdf", ClientRef: "new", Options: jobs.Options{Kind: jobs.KindSplit}}})
	if err != nil {
		t.Fatal(err)
	}
	if changed, stale := p.apply(jobs.Event{Kind: jobs.EventAdded, Job: created[0]}); !changed || stale {
		t.Fatalf("add: changed %v stale %v", changed, stale)
	}
	if p.Len() != 301 || rowAt(t, p, 0).ID != created[0].ID || rowAt(t, p, 300).ID != last.ID {
		t.Fatalf("after add: len %d, row0 %d, row300 %d", p.Len(), rowAt(t, p, 0).ID, rowAt(t, p, 300).ID)
	}
	j := rowAt(t, p, 150)
	j.Status = jobs.StatusFailed
	if changed, _ := p.apply(jobs.Event{Kind: jobs.EventChanged, Job: j}); !changed || rowAt(t, p, 150).Status != jobs.StatusFailed {
		t.Fatal("a change to a cached row is not shown")
	}

	// Under a status filter a row leaving the set asks for a new snapshot.
	if err := p.reset(ctx, jobs.Query{Statuses: []jobs.Status{jobs.StatusQueued}}); err != nil {
		t.Fatal(err)
	}
	q0 := rowAt(t, p, 0)
	q0.Status = jobs.StatusUploading
	if _, stale := p.apply(jobs.Event{Kind: jobs.EventChanged, Job: q0}); !stale {
		t.Fatal("a row leaving the filter did not mark the snapshot stale")
	}
}

// benchHistory opens a 1,000,000-job history: the store's own benchmark
// fixture when a run of `go test -bench . ./jobs` left one in the temp
// folder, else one built here through the store's API and kept.
func benchHistory(b *testing.B) *store.Store {
	if testing.Short() {
		b.Skip("needs the 1,000,000-job history")
	}
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("reducto-tray-bench-s%d-f*-1000000.db", store.SchemaVersion())))
	path := filepath.Join(os.TempDir(), fmt.Sprintf("reducto-tray-ui-bench-s%d-1000000.db", store.SchemaVersion()))
	if len(matches) > 0 {
		path = matches[len(matches)-1]
	} else if _, err := os.Stat(path); err != nil {
		start := time.Now()
		newHistory(b, path+".building", 1_000_000).Close()
		if err := os.Rename(path+".building", path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built the history in %s", time.Since(start).Round(time.Second))
	}
	s, err := store.OpenReadOnly(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkPagerReset is opening the list or changing the filter: the first
// page and the count.
func BenchmarkPagerReset(b *testing.B) {
	s := benchHistory(b)
	for _, q := range []jobs.Query{{}, {Statuses: []jobs.Status{jobs.StatusFailed}}, {Search: "invoice"}} {
		b.Run(fmt.Sprintf("statuses=%v,search=%q", q.Statuses, q.Search), func(b *testing.B) {
			p := newPager(s)
			for b.Loop() {
				if err := p.reset(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPagerScroll is scrolling down: each op loads the next page from
// its keyset anchor.
func BenchmarkPagerScroll(b *testing.B) {
	s := benchHistory(b)
	p := newPager(s)
	ctx := context.Background()
	if err := p.reset(ctx, jobs.Query{}); err != nil {
		b.Fatal(err)
	}
	pg := 0
	for b.Loop() {
		pg++
		if _, err := p.fetch(ctx, pg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPagerJump is dragging the scroll bar to a random place in a
// million rows: the anchor is found by counting, then the page is read.
func BenchmarkPagerJump(b *testing.B) {
	s := benchHistory(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, q := range []jobs.Query{{}, {Statuses: []jobs.Status{jobs.StatusFailed}}} {
		b.Run(fmt.Sprintf("statuses=%v", q.Statuses), func(b *testing.B) {
			p := newPager(s)
			if err := p.reset(ctx, q); err != nil {
				b.Fatal(err)
			}
			pages := p.Len() / pageSize
			for b.Loop() {
				p.mu.Lock()
				p.anchors = map[int]int64{0: p.top + 1}
				p.mu.Unlock()
				if _, err := p.fetch(ctx, 1+rng.IntN(pages-1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestPagerOlderRequestFinishingLastChangesNothing(t *testing.T) {
	s := newHistory(t, filepath.Join(t.TempDir(), "h.db"), 50)
	defer s.Close()
	ctx := context.Background()
	p := newPager(s)
	all := jobs.Query{}
	failed := jobs.Query{Statuses: []jobs.Status{jobs.StatusFailed}}
	older := p.want(all)
	newer := p.want(failed)
	if err := p.resetFor(ctx, failed, newer); err != nil {
		t.Fatal(err)
	}
	n := p.Len()
	if err := p.resetFor(ctx, all, older); err != nil { // the slow, stale one
		t.Fatal(err)
	}
	if p.Len() != n || len(p.Query().Statuses) != 1 {
		t.Fatalf("a stale reset replaced the newer filter: len %d (was %d), query %+v", p.Len(), n, p.Query())
	}
	if q, _ := p.again(); len(q.Statuses) != 1 {
		t.Fatalf("again() = %+v, want the newest request", q)
	}
}
