package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestRecordDeliveriesDedupe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	check := func(s *Store, ids []string, want []bool) {
		t.Helper()
		got, err := s.RecordDeliveries(ctx, ids)
		if err != nil {
			t.Fatalf("RecordDeliveries(%v): %v", ids, err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("RecordDeliveries(%v) = %v, want %v", ids, got, want)
		}
	}
	check(s, []string{"msg_a", "msg_b", "msg_a"}, []bool{true, true, false})
	check(s, []string{"msg_b", "msg_c", "msg_c"}, []bool{false, true, false})
	check(s, nil, []bool{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check(s, []string{"msg_a", "direct:rj:Completed", "msg_c"}, []bool{false, true, false})

	// Pruning with a cutoff in the past keeps everything recent...
	n, err := s.PruneDeliveries(ctx, time.Now().Add(-DeliveryRetention))
	if err != nil || n != 0 {
		t.Fatalf("PruneDeliveries(3 days ago) = %d, %v; want 0", n, err)
	}
	check(s, []string{"msg_a"}, []bool{false})
	// ...and a cutoff after they arrived forgets them.
	n, err = s.PruneDeliveries(ctx, time.Now().Add(time.Minute))
	if err != nil || n != 4 {
		t.Fatalf("PruneDeliveries(future) = %d, %v; want 4", n, err)
	}
	check(s, []string{"msg_a"}, []bool{true})
}

func TestRecordDeliveriesConcurrentBatches(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	// Eight receivers racing over the same 200 ids: each id is fresh for
	// exactly one of them.
	const workers, ids = 8, 200
	counts := make(chan int, workers)
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			fresh := 0
			for b := 0; b < ids; b += 20 {
				batch := make([]string, 20)
				for i := range batch {
					batch[i] = fmt.Sprintf("msg_%d", (b+i+w*7)%ids)
				}
				got, err := s.RecordDeliveries(ctx, batch)
				if err != nil {
					errs <- err
					return
				}
				for _, f := range got {
					if f {
						fresh++
					}
				}
			}
			counts <- fresh
		}(w)
	}
	total := 0
	for w := 0; w < workers; w++ {
		select {
		case err := <-errs:
			t.Fatal(err)
		case n := <-counts:
			total += n
		}
	}
	if total != ids {
		t.Fatalf("%d ids were fresh across workers, want %d", total, ids)
	}
}
