package store

import (
	"context"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// TestIdleReadConnectionsClose: the read connections a burst of queries
// opened, each with its page cache, are closed within seconds of going idle
// (readIdleTime), so an app left in the tray does not keep them; the next
// query opens one again and answers.
func TestIdleReadConnectionsClose(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, []jobs.Job{testJob(1)}); err != nil {
		t.Fatal(err)
	}
	// Queries side by side, so the pool opens more than one connection.
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := s.List(ctx, jobs.Query{Limit: 10})
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := s.r.Stats().OpenConnections; n == 0 {
		t.Fatal("no read connection open right after the queries")
	}
	const wait = 15 * time.Second
	deadline := time.Now().Add(wait)
	for s.r.Stats().OpenConnections > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d read connections still open %s after the last query", s.r.Stats().OpenConnections, wait)
		}
		time.Sleep(50 * time.Millisecond) // polling the pool's count, not synchronising
	}
	got, err := s.List(ctx, jobs.Query{Limit: 10})
	if err != nil || len(got) != 1 {
		t.Fatalf("after the pool emptied: %d jobs, %v; want the one job", len(got), err)
	}
}
