package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestAccountJobUpsertMergesAndNeverGoesBack(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	created := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	a, changed, err := s.UpsertAccountJob(ctx, jobs.AccountJob{JobID: "j-1", Status: jobs.StatusRunning, Kind: jobs.KindParse,
		Channels: []string{"team-b"}, Metadata: json.RawMessage(`{"who":"script"}`), SeenVia: "list", CreatedAt: created})
	if err != nil || !changed || a.ID == 0 {
		t.Fatalf("first upsert: %+v changed=%v err=%v", a, changed, err)
	}
	// The same again changes nothing (no event, no notification).
	if _, changed, err = s.UpsertAccountJob(ctx, jobs.AccountJob{JobID: "j-1", Status: jobs.StatusRunning, SeenVia: "list"}); err != nil || changed {
		t.Fatalf("repeat: changed=%v err=%v", changed, err)
	}
	// A webhook says it failed; a stale listing afterwards says running.
	if a, changed, err = s.UpsertAccountJob(ctx, jobs.AccountJob{JobID: "j-1", Status: jobs.StatusFailed, Error: "bad scan", SeenVia: "svix"}); err != nil || !changed {
		t.Fatalf("failed: changed=%v err=%v", changed, err)
	}
	if a.CompletedAt == nil {
		t.Fatal("completed_at not set when first seen final")
	}
	if _, changed, err = s.UpsertAccountJob(ctx, jobs.AccountJob{JobID: "j-1", Status: jobs.StatusRunning, SeenVia: "list"}); err != nil || changed {
		t.Fatalf("stale listing: changed=%v err=%v", changed, err)
	}
	got, err := s.AccountJob(ctx, "j-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != jobs.StatusFailed || got.Error != "bad scan" || got.Kind != jobs.KindParse ||
		len(got.Channels) != 1 || got.Channels[0] != "team-b" || string(got.Metadata) != `{"who":"script"}` ||
		!got.CreatedAt.Equal(created) || got.SeenVia != "svix" {
		t.Fatalf("stored %+v", got)
	}
	// Never in the history.
	if n, err := s.Count(ctx, jobs.Query{}); err != nil || n != 0 {
		t.Fatalf("history count = %d, %v; want 0", n, err)
	}
}

func TestAccountJobsPageNewestFirst(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	base := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		if _, _, err := s.UpsertAccountJob(ctx, jobs.AccountJob{JobID: string(rune('a' + i)), Status: jobs.StatusPending, CreatedAt: base.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	var q AccountQuery
	q.Limit = 2
	for {
		page, err := s.AccountJobs(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page {
			ids = append(ids, a.JobID)
		}
		if len(page) < q.Limit {
			break
		}
		q.Before = page[len(page)-1]
	}
	if got := ids; len(got) != 5 || got[0] != "e" || got[4] != "a" {
		t.Fatalf("order %v, want e..a", got)
	}
}

func TestIsLocalJob(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	j := mustCreate(t, s, testJob(1))[0]
	mustUpdate(t, s, j.ID, jobs.StatusPending, Patch{JobID: ptr("r-1")})
	for _, c := range []struct {
		id, ref string
		want    bool
	}{{"r-1", "", true}, {"", j.ClientRef, true}, {"r-2", "other", false}, {"", "", false}} {
		got, err := s.IsLocalJob(ctx, c.id, c.ref)
		if err != nil || got != c.want {
			t.Errorf("IsLocalJob(%q, %q) = %v, %v; want %v", c.id, c.ref, got, err, c.want)
		}
	}
}

func TestSetStateIfOnce(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	first, err := s.SetStateIf(ctx, "budget", "2025-06")
	if err != nil || !first {
		t.Fatalf("first = %v, %v", first, err)
	}
	again, err := s.SetStateIf(ctx, "budget", "2025-06")
	if err != nil || again {
		t.Fatalf("again = %v, %v; want false", again, err)
	}
	next, err := s.SetStateIf(ctx, "budget", "2025-07")
	if err != nil || !next {
		t.Fatalf("next month = %v, %v", next, err)
	}
	if v, _ := s.State(ctx, "budget"); v != "2025-07" {
		t.Fatalf("state = %q", v)
	}
}

func TestUsagePerDayFromHistoryAndAccount(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	js := mustCreate(t, s, testJob(1), testJob(2), testJob(3))
	// Two complete now with pages and credits; one fails without usage.
	mustUpdate(t, s, js[0].ID, jobs.StatusCompleted, Patch{Pages: ptr(4), Credits: ptr(4.0)})
	mustUpdate(t, s, js[1].ID, jobs.StatusCompleted, Patch{Pages: ptr(10), Credits: ptr(20.0)})
	mustUpdate(t, s, js[2].ID, jobs.StatusFailed, Patch{Error: ptr("x")})
	if _, _, err := s.UpsertAccountJob(ctx, jobs.AccountJob{JobID: "acc", Status: jobs.StatusCompleted, Kind: jobs.KindExtract, Pages: 3, Credits: ptr(6.0)}); err != nil {
		t.Fatal(err)
	}
	// Usage learned after completion is counted too (the trigger moves it).
	if _, _, err := s.UpsertAccountJob(ctx, jobs.AccountJob{JobID: "acc", Status: jobs.StatusCompleted, Pages: 5, Credits: ptr(7.5)}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	u, err := s.Usage(ctx, today.AddDate(0, 0, -6), today.AddDate(0, 0, 1), time.Local)
	if err != nil {
		t.Fatal(err)
	}
	days := u.Days(today.AddDate(0, 0, -6), today)
	if len(days) != 7 {
		t.Fatalf("%d days, want 7", len(days))
	}
	last := days[6]
	if last.Pages != 19 || last.Credits != 31.5 || last.Jobs != 4 {
		t.Fatalf("today = %+v, want 19 pages, 31.5 credits, 4 jobs", last)
	}
	for _, d := range days[:6] {
		if d.Jobs != 0 {
			t.Fatalf("day %s has %+v", d.Day, d)
		}
	}
	by := u.By(func(r jobs.UsageRow) string { return r.Origin })
	if by["account"].Credits != 7.5 || by["local"].Credits != 24 {
		t.Fatalf("by origin %+v", by)
	}
	// Outside the range: nothing.
	old, err := s.Usage(ctx, today.AddDate(0, 0, -30), today.AddDate(0, 0, -20), time.Local)
	if err != nil || len(old.Rows) != 0 {
		t.Fatalf("old range: %+v %v", old, err)
	}
}

func TestUsageBucketsBackfilledFromExistingHistory(t *testing.T) {
	// The migration counts jobs that finished before it ran: a history
	// upgraded from an older build starts with its past usage.
	s, _ := newTestStore(t)
	ctx := context.Background()
	js := mustCreate(t, s, testJob(1))
	mustUpdate(t, s, js[0].ID, jobs.StatusCompleted, Patch{Pages: ptr(2), Credits: ptr(2.0)})
	if _, err := s.w.ExecContext(ctx, `DELETE FROM usage_buckets`); err != nil {
		t.Fatal(err)
	}
	step := migrations[len(migrations)-1]
	for i, m := range migrations {
		if m.name == "account jobs, usage buckets and app state" {
			step = migrations[i]
		}
	}
	if _, err := s.w.ExecContext(ctx, `DROP TRIGGER jobs_usage_insert; DROP TRIGGER jobs_usage_update; DROP TRIGGER jobs_usage_delete;
		DROP TABLE account_jobs; DROP TABLE usage_buckets; DROP TABLE app_state;`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, step.sql); err != nil {
		t.Fatalf("re-run migration: %v", err)
	}
	u, err := s.Usage(ctx, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), time.Local)
	if err != nil || u.Total().Pages != 2 || u.Total().Credits != 2 {
		t.Fatalf("backfilled usage %+v %v", u.Total(), err)
	}
}

func TestPruneAccountJobsDropsOnlyOlderRowsAndKeepsUsage(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	pruneAccountBatch = 2 // several batches for five old rows
	t.Cleanup(func() { pruneAccountBatch = 2000 })
	now := time.Now()
	cutoff := now.AddDate(0, 0, -90)
	var old, fresh []string
	for i := range 5 {
		id := fmt.Sprintf("old-%d", i)
		old = append(old, id)
		if _, _, err := s.UpsertAccountJob(ctx, jobs.AccountJob{JobID: id, Status: jobs.StatusCompleted, Kind: jobs.KindParse,
			Pages: 2, Credits: ptr(3.0), CreatedAt: cutoff.Add(-time.Duration(i+1) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	for i, at := range []time.Time{cutoff.Add(time.Minute), now} {
		id := fmt.Sprintf("fresh-%d", i)
		fresh = append(fresh, id)
		if _, _, err := s.UpsertAccountJob(ctx, jobs.AccountJob{JobID: id, Status: jobs.StatusRunning, CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	before, err := s.Usage(ctx, day, day.AddDate(0, 0, 1), time.Local)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneAccountJobs(ctx, cutoff)
	if err != nil || n != int64(len(old)) {
		t.Fatalf("pruned %d, %v; want %d", n, err, len(old))
	}
	for _, id := range old {
		if _, err := s.AccountJob(ctx, id); !errors.Is(err, jobs.ErrNotFound) {
			t.Fatalf("%s older than the retention still there: %v", id, err)
		}
	}
	for _, id := range fresh {
		if _, err := s.AccountJob(ctx, id); err != nil {
			t.Fatalf("%s within the retention: %v", id, err)
		}
	}
	// The chart and the budget still count what the pruned jobs used.
	after, err := s.Usage(ctx, day, day.AddDate(0, 0, 1), time.Local)
	if err != nil {
		t.Fatal(err)
	}
	if b, a := before.By(func(jobs.UsageRow) string { return "" })[""], after.By(func(jobs.UsageRow) string { return "" })[""]; a != b || a.Credits != 15 {
		t.Fatalf("usage before the prune %+v, after %+v (want 15 credits kept)", b, a)
	}
	if n, err := s.PruneAccountJobs(ctx, cutoff); err != nil || n != 0 {
		t.Fatalf("second prune removed %d, %v", n, err)
	}
}
