package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestClaimIsExclusive(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	j := mustCreate(t, s, testJob(1))[0]
	got, ok, err := s.Claim(ctx, j.ID, "uploading")
	if err != nil || !ok || got.Status != jobs.StatusUploading {
		t.Fatalf("first claim = %s, %v, %v", got.Status, ok, err)
	}
	again, ok, err := s.Claim(ctx, j.ID, "uploading")
	if err != nil || ok || again.Status != jobs.StatusUploading {
		t.Fatalf("second claim = %s, %v, %v; want refused", again.Status, ok, err)
	}
	tl, err := s.Timeline(ctx, j.ID)
	if err != nil || len(tl) != 2 || tl[1].To != jobs.StatusUploading || tl[1].Detail != "uploading" {
		t.Fatalf("timeline = %+v, %v; want created and one claim", tl, err)
	}
	c := mustCreate(t, s, testJob(2))[0]
	mustUpdate(t, s, c.ID, jobs.StatusCancelled, Patch{})
	if _, ok, err := s.Claim(ctx, c.ID, "uploading"); err != nil || ok {
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
				if _, ok, err := s.Claim(context.Background(), j.ID, "uploading"); err != nil {
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
