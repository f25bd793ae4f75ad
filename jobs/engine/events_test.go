package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

func TestSlowSubscriberNeverBlocksTheEngine(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	stuck := r.engine.Subscribe() // never read until the end
	defer stuck.Close()
	if _, err := r.engine.Submit(context.Background(), r.files(30), jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "all jobs final with a stuck subscriber", r.allFinal)

	// Nothing was lost for it either: every job was added, and every one
	// completed, in order for each job.
	added, completed := map[int64]bool{}, map[int64]bool{}
	timeout := time.After(10 * time.Second)
	for len(completed) < 30 {
		select {
		case ev := <-stuck.C():
			switch {
			case ev.Kind == jobs.EventAdded:
				added[ev.Job.ID] = true
			case ev.Kind == jobs.EventChanged && ev.Job.Status == jobs.StatusCompleted:
				if !added[ev.Job.ID] {
					t.Fatalf("job %d completed before it was added", ev.Job.ID)
				}
				completed[ev.Job.ID] = true
			}
		case <-timeout:
			t.Fatalf("stuck subscriber got %d added, %d completed of 30", len(added), len(completed))
		}
	}
}

func TestClosedSubscriptionClosesItsChannel(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	sub := r.engine.Subscribe()
	sub.Close()
	sub.Close() // twice is harmless
	select {
	case _, ok := <-sub.C():
		if ok {
			t.Fatal("event after Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("channel not closed after Close")
	}
}
