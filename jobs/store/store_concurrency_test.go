package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// TestReadersDuringWrites streams writes (batches of 10 creations, then
// status changes) while readers on the store's read pool and on a separate
// OpenStoreReadOnly handle list and count. No reader may fail (no
// SQLITE_BUSY), and every snapshot must be transactionally consistent:
// whole batches only, newest first, and counts that never go back.
func TestReadersDuringWrites(t *testing.T) {
	s, path := newTestStore(t)
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	ctx := context.Background()

	const batches, per = 80, 10
	done := make(chan struct{})
	writeErr := make(chan error, 1)
	go func() {
		defer close(done)
		for b := 0; b < batches; b++ {
			in := make([]jobs.Job, per)
			for i := range in {
				in[i] = testJob(b*per + i)
			}
			js, err := s.Create(ctx, in)
			if err != nil {
				writeErr <- err
				return
			}
			if _, _, err := s.Update(ctx, js[0].ID, jobs.StatusCompleted, Patch{Result: []byte(`{"b":1}`)}); err != nil {
				writeErr <- err
				return
			}
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	reader := func(name string, st *Store) {
		defer wg.Done()
		last, reads := 0, 0
		for {
			select {
			case <-done:
				if reads == 0 {
					errs <- fmt.Errorf("%s: finished before reading", name)
				}
				return
			default:
			}
			reads++
			n, err := st.Count(ctx, jobs.Query{})
			if err != nil {
				errs <- fmt.Errorf("%s: Count: %w", name, err)
				return
			}
			if n%per != 0 || n < last {
				errs <- fmt.Errorf("%s: Count = %d after %d: a partial or reverted batch", name, n, last)
				return
			}
			last = n
			js, err := st.List(ctx, jobs.Query{Limit: batches * per})
			if err != nil {
				errs <- fmt.Errorf("%s: List: %w", name, err)
				return
			}
			if len(js)%per != 0 || len(js) < n {
				errs <- fmt.Errorf("%s: List saw %d rows after Count %d", name, len(js), n)
				return
			}
			for i := 1; i < len(js); i++ {
				if js[i].ID >= js[i-1].ID {
					errs <- fmt.Errorf("%s: List not newest first at %d", name, i)
					return
				}
			}
			// Completed jobs must be whole: status, time and result together.
			for _, j := range js {
				if j.Status == jobs.StatusCompleted && j.CompletedAt == nil {
					errs <- fmt.Errorf("%s: job %d completed without CompletedAt", name, j.ID)
					return
				}
			}
			if _, err := st.List(ctx, jobs.Query{Search: "report", Statuses: []jobs.Status{jobs.StatusCompleted}}); err != nil {
				errs <- fmt.Errorf("%s: search: %w", name, err)
				return
			}
		}
	}
	for i := 0; i < 2; i++ {
		wg.Add(2)
		go reader(fmt.Sprintf("pool reader %d", i), s)
		go reader(fmt.Sprintf("read-only store %d", i), ro)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	select {
	case err := <-writeErr:
		t.Fatalf("writer: %v", err)
	default:
	}
	if n, _ := ro.Count(ctx, jobs.Query{Statuses: []jobs.Status{jobs.StatusCompleted}}); n != batches {
		t.Fatalf("read-only store counts %d completed, want %d", n, batches)
	}
}
