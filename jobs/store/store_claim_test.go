package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestClaimIsExclusive(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	j := mustCreate(t, s, testJob(1))[0]
	got, ok, err := s.Claim(ctx, j.ID, "e1", "uploading")
	if err != nil || !ok || got.Status != jobs.StatusUploading {
		t.Fatalf("first claim = %s, %v, %v", got.Status, ok, err)
	}
	again, ok, err := s.Claim(ctx, j.ID, "e1", "uploading")
	if err != nil || ok || again.Status != jobs.StatusUploading {
		t.Fatalf("second claim = %s, %v, %v; want refused", again.Status, ok, err)
	}
	tl, err := s.Timeline(ctx, j.ID)
	if err != nil || len(tl) != 2 || tl[1].To != jobs.StatusUploading || tl[1].Detail != "uploading" {
		t.Fatalf("timeline = %+v, %v; want created and one claim", tl, err)
	}
	c := mustCreate(t, s, testJob(2))[0]
	mustUpdate(t, s, c.ID, jobs.StatusCancelled, Patch{})
	if _, ok, err := s.Claim(ctx, c.ID, "e1", "uploading"); err != nil || ok {
		t.Fatalf("claim of a cancelled job = %v, %v; want refused", ok, err)
	}
}

// Two stores on one file (two engines on one data folder) racing for the
// same queued jobs: each job is claimed exactly once.
func TestClaimIsExclusiveAcrossStoresOnOneFile(t *testing.T) {
	a, path := newTestStore(t)
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	batch := make([]jobs.Job, 50)
	for i := range batch {
		batch[i] = testJob(i)
	}
	created := mustCreate(t, a, batch...)
	var wins atomic.Int64
	var wg sync.WaitGroup
	for _, s := range []*Store{a, b} {
		for _, j := range created {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, ok, err := s.Claim(context.Background(), j.ID, "e1", "uploading"); err != nil {
					t.Errorf("claim %d: %v", j.ID, err)
				} else if ok {
					wins.Add(1)
				}
			}()
		}
	}
	wg.Wait()
	if n := wins.Load(); n != int64(len(created)) {
		t.Fatalf("%d successful claims of %d jobs", n, len(created))
	}
}

// TestTakeOverOnlyFromAGoneEngine: an upload claimed by a live engine is
// not taken over; once that engine's heartbeat is stale, or it left,
// exactly one engine takes it.
func TestTakeOverOnlyFromAGoneEngine(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	created := mustCreate(t, s, testJob(1), testJob(2))
	for _, e := range []string{"e1", "e2", "e3"} {
		if err := s.JoinEngines(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, err := s.Claim(ctx, created[0].ID, "e1", "uploading"); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if _, ok, err := s.TakeOver(ctx, created[0].ID, "e2", time.Minute); err != nil || ok {
		t.Fatalf("took over a live engine's upload: %v %v", ok, err)
	}
	if _, ok, err := s.TakeOver(ctx, created[1].ID, "e2", time.Minute); err != nil || ok {
		t.Fatalf("took over a queued job: %v %v", ok, err)
	}
	// A heartbeat older than the lease is a gone engine.
	if j, ok, _ := s.TakeOver(ctx, created[0].ID, "e2", -time.Second); !ok || j.Status != jobs.StatusUploading {
		t.Fatalf("a stale engine's upload was not taken over (%v, %s)", ok, j.Status)
	}
	if _, ok, _ := s.TakeOver(ctx, created[0].ID, "e3", time.Minute); ok {
		t.Fatal("taken over from the live engine that had just taken it")
	}
	if err := s.LeaveEngines(ctx, "e2"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.TakeOver(ctx, created[0].ID, "e3", time.Minute); !ok {
		t.Fatal("the upload of an engine that left was not taken over")
	}
}
