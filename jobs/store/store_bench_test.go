package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// benchRows is the history size the targets are stated for.
const benchRows = 1_000_000

// benchFixtureVersion changes whenever the fixture's content changes, so a
// cached file from an older layout is rebuilt rather than measured.
const benchFixtureVersion = 2

var benchWords = []string{
	"invoice", "report", "contract", "receipt", "statement", "scan", "letter", "memo",
	"agreement", "proposal", "minutes", "policy", "brochure", "manual", "thesis", "résumé",
	"Rechnung", "Vertrag", "facture", "devis", "budget", "forecast", "payslip", "tax-return",
	"bank", "insurance", "lease", "deed", "permit", "certificate", "transcript", "notes",
	"slides", "datasheet", "catalogue", "quote", "order", "delivery", "customs", "audit",
}

var benchBase = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// benchStep spreads the million jobs over a year.
const benchStep = 31536 * time.Millisecond

var (
	fixtureOnce sync.Once
	fixturePath string
	fixtureErr  error
)

// benchFixture returns the path of a history holding benchRows jobs, built
// once (about a minute) and kept in the temp folder, keyed by schema and
// fixture version, so every benchmark of a run, and later runs, reuse it.
// Delete $TMPDIR/reducto-tray-bench-*.db to reclaim the space.
func benchFixture(b *testing.B) string {
	if testing.Short() {
		b.Skip("the 1,000,000-row fixture is skipped in -short mode")
	}
	fixtureOnce.Do(func() {
		fixturePath = filepath.Join(os.TempDir(), fmt.Sprintf("reducto-tray-bench-s%d-f%d-%d.db", SchemaVersion(), benchFixtureVersion, benchRows))
		if _, err := os.Stat(fixturePath); err == nil {
			return
		}
		tmp := fixturePath + fmt.Sprintf(".building-%d", os.Getpid())
		start := time.Now()
		if fixtureErr = buildFixture(tmp, benchRows); fixtureErr != nil {
			os.Remove(tmp)
			return
		}
		fixtureErr = os.Rename(tmp, fixturePath)
		b.Logf("built %d-row fixture %s in %s", benchRows, fixturePath, time.Since(start).Round(time.Second))
	})
	if fixtureErr != nil {
		b.Fatalf("fixture: %v", fixtureErr)
	}
	return fixturePath
}

// fixtureStatus gives the mix of an old history: mostly completed, some
// failures and cancellations, and a few jobs still under way.
func fixtureStatus(i int) jobs.Status {
	switch r := i % 100; {
	case r < 85:
		return jobs.StatusCompleted
	case r < 93:
		return jobs.StatusFailed
	case r < 96:
		return jobs.StatusCancelled
	default:
		return jobs.AllStatuses[r-96] // queued, uploading, pending, running
	}
}

func fixtureKind(i int) jobs.Kind {
	switch r := (i * 31) % 10; {
	case r < 7:
		return jobs.KindParse
	case r < 9:
		return jobs.KindExtract
	default:
		return jobs.KindSplit
	}
}

func fixtureName(i int) string {
	w1 := benchWords[(i*7919)%len(benchWords)]
	w2 := benchWords[(i*104729/7)%len(benchWords)]
	return fmt.Sprintf("%s %s-%d.pdf", w1, w2, i)
}

// buildFixture bulk-inserts n jobs through the store's schema and triggers
// (so the trigram index and counters are real) in transactions of 50,000.
func buildFixture(path string, n int) error {
	s, err := Open(path)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	const chunk = 50_000
	for lo := 0; lo < n; lo += chunk {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		st := tx.StmtContext(ctx, s.insJob)
		for i := lo; i < min(lo+chunk, n); i++ {
			name := fixtureName(i)
			kind := fixtureKind(i)
			created := benchBase.Add(time.Duration(i) * benchStep)
			opts := `{"kind":"` + string(kind) + `","webhook":"svix","parse":{},"extract":{},"split":{}}`
			jobID := ""
			if i%100 >= 97 || i%100 < 96 {
				jobID = "7c1e" + strconv.Itoa(i)
			}
			if _, err := st.ExecContext(ctx, jobID, "/home/ann/Documents/"+name, name, kind, fixtureStatus(i), jobs.WebhookSvix,
				"ref-"+strconv.Itoa(i), opts, "", 200_000+i%5000, 0, "", nil, unixMS(created), unixMS(created.Add(40*time.Second)),
				jobs.SourceDrop, "", nil, ""); err != nil {
				tx.Rollback()
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET completed_at = updated_at, pages = 1 + id % 40 WHERE id > ? AND status IN ('completed', 'failed', 'cancelled')`, lo); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func openFixture(b *testing.B) *Store {
	path := benchFixture(b)
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkStoreList(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	week := benchBase.Add(200 * 24 * time.Hour)
	cases := []struct {
		name string
		q    jobs.Query
	}{
		{"newest", jobs.Query{}},
		{"page_deep", jobs.Query{BeforeID: benchRows / 2}},
		{"status_failed", jobs.Query{Statuses: []jobs.Status{jobs.StatusFailed}}},
		{"status_running", jobs.Query{Statuses: []jobs.Status{jobs.StatusRunning}}},
		{"status_failed_cancelled", jobs.Query{Statuses: []jobs.Status{jobs.StatusFailed, jobs.StatusCancelled}}},
		{"kind_split", jobs.Query{Kind: jobs.KindSplit}},
		{"kind_extract_failed", jobs.Query{Kind: jobs.KindExtract, Statuses: []jobs.Status{jobs.StatusFailed}}},
		{"search_common", jobs.Query{Search: "contract"}},
		{"search_unique", jobs.Query{Search: "-654321."}},
		{"search_none", jobs.Query{Search: "zzqx"}},
		{"search_unicode_case", jobs.Query{Search: "RÉSUMÉ"}},
		{"search_2chars", jobs.Query{Search: "qu"}},
		{"search_failed", jobs.Query{Search: "invoice", Statuses: []jobs.Status{jobs.StatusFailed}}},
		{"date_week", jobs.Query{Since: week, Until: week.Add(7 * 24 * time.Hour)}},
		{"date_month", jobs.Query{Since: week, Until: week.Add(30 * 24 * time.Hour)}},
		{"date_since_old", jobs.Query{Since: benchBase.Add(24 * time.Hour)}},
		{"date_week_failed", jobs.Query{Since: week, Until: week.Add(7 * 24 * time.Hour), Statuses: []jobs.Status{jobs.StatusFailed}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			js, err := s.List(ctx, c.q)
			if err != nil {
				b.Fatal(err)
			}
			if len(js) == 0 && c.name != "search_none" {
				b.Fatalf("%s: no rows", c.name)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.List(ctx, c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStoreCount(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	week := benchBase.Add(200 * 24 * time.Hour)
	cases := []struct {
		name string
		q    jobs.Query
	}{
		{"all", jobs.Query{}},
		{"status_failed", jobs.Query{Statuses: []jobs.Status{jobs.StatusFailed}}},
		{"kind_split_unfinished", jobs.Query{Kind: jobs.KindSplit, Statuses: []jobs.Status{jobs.StatusQueued, jobs.StatusUploading, jobs.StatusPending, jobs.StatusRunning}}},
		{"search_common", jobs.Query{Search: "contract"}},
		{"search_unique", jobs.Query{Search: "-654321."}},
		{"search_failed", jobs.Query{Search: "invoice", Statuses: []jobs.Status{jobs.StatusFailed}}},
		{"date_week", jobs.Query{Since: week, Until: week.Add(7 * 24 * time.Hour)}},
		{"date_month", jobs.Query{Since: week, Until: week.Add(30 * 24 * time.Hour)}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Count(ctx, c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStoreGet(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	i := int64(0)
	for b.Loop() {
		i++
		if _, err := s.Get(ctx, 1+(i*7919)%benchRows); err != nil {
			b.Fatal(err)
		}
	}
}

func benchStore(b *testing.B) *Store {
	s, err := Open(filepath.Join(b.TempDir(), "history.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func benchJobs(n, from int) []jobs.Job {
	js := make([]jobs.Job, n)
	for i := range js {
		k := from + i
		name := fixtureName(k)
		js[i] = jobs.Job{File: "/home/ann/Documents/" + name, Kind: fixtureKind(k), Webhook: jobs.WebhookSvix,
			ClientRef: "ref-" + strconv.Itoa(k), Options: jobs.Options{Kind: fixtureKind(k), Webhook: jobs.WebhookSvix}}
	}
	return js
}

// BenchmarkStoreCreate measures inserts through Create (row, trigram index,
// counter and timeline row each) into a fresh history; one op is one job.
func BenchmarkStoreCreate(b *testing.B) {
	for _, batch := range []int{1, 100} {
		b.Run("batch_"+strconv.Itoa(batch), func(b *testing.B) {
			s := benchStore(b)
			ctx := context.Background()
			done := 0
			for b.Loop() {
				if done%batch == 0 {
					if _, err := s.Create(ctx, benchJobs(batch, done)); err != nil {
						b.Fatal(err)
					}
				}
				done++
			}
			b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkStoreUpdate measures one status transition (row update, counter
// and timeline row in one transaction).
func BenchmarkStoreUpdate(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	js, err := s.Create(ctx, benchJobs(20_000, 0))
	if err != nil {
		b.Fatal(err)
	}
	steps := []jobs.Status{jobs.StatusUploading, jobs.StatusPending, jobs.StatusRunning, jobs.StatusCompleted}
	i := 0
	for b.Loop() {
		j := js[(i/len(steps))%len(js)]
		if i/len(steps) >= len(js) {
			b.Fatal("ran out of jobs to move")
		}
		if _, _, err := s.Update(ctx, j.ID, steps[i%len(steps)], Patch{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkStoreRecordDeliveries measures webhook dedupe as the receiver
// uses it: group commits of 64 fresh ids.
func BenchmarkStoreRecordDeliveries(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	const batch = 64
	ids := make([]string, batch)
	n := 0
	for b.Loop() {
		for i := range ids {
			ids[i] = "msg_2x" + strconv.Itoa(n) + "Jk9pLq"
			n++
		}
		if _, err := s.RecordDeliveries(ctx, ids); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "ids/s")
}
