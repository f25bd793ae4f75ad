package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// Rows whose forwards wait for a target that is down count against the
// size cap like any other: a trim takes them too, and what it takes is
// recorded (the forward failed with a "dropped:" error, the record kept
// small to say so), never silently.
func TestTrimCountsWaitingForwardsAndRecordsDrops(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	const down = "http://127.0.0.1:1/down"
	var recs []jobs.DeliveryRecord
	for i := range 200 {
		r := logRecord(i, jobs.VerdictAccepted, down)
		r.Body = []byte(strings.Repeat("x", 4096))
		recs = append(recs, r)
	}
	seqs, _, err := s.AppendDeliveryLog(ctx, recs)
	if err != nil {
		t.Fatal(err)
	}
	total, _ := s.DeliveryLogBytes(ctx)
	cut, err := s.TrimDeliveryLog(ctx, total/2)
	if err != nil {
		t.Fatal(err)
	}
	if cut.Left > total/2 || cut.Dropped < 90 || cut.Dropped > 110 {
		t.Fatalf("trim to half of %d bytes: %+v; want about half the waiting forwards dropped and the cap held", total, cut)
	}
	oldest, err := s.GetDeliveryLog(ctx, seqs[0])
	if err != nil {
		t.Fatalf("the record of the dropped forward is gone: %v", err)
	}
	f := oldest.Forwards[0]
	if f.State != jobs.ForwardFailed || f.Error != DroppedBySize || oldest.Body != nil || oldest.Headers != nil ||
		!strings.Contains(oldest.Reason, "dropped") {
		t.Errorf("oldest after the trim: forward %+v, reason %q, body %d bytes", f, oldest.Reason, len(oldest.Body))
	}
	newest, _ := s.GetDeliveryLog(ctx, seqs[len(seqs)-1])
	if newest.Forwards[0].State != jobs.ForwardRetrying || len(newest.Body) != 4096 {
		t.Errorf("newest after the trim: %+v", newest.Forwards)
	}
	// The forwarder now starts at the first record the cap kept.
	p, ok, err := s.NextForward(ctx, down)
	if err != nil || !ok || p.Entry != seqs[cut.Dropped] {
		t.Errorf("next forward after the trim = %d (%v %v), want %d", p.Entry, ok, err, seqs[cut.Dropped])
	}
	// An attempt in flight when its forward was dropped does not revive it.
	if err := s.UpdateForward(ctx, 1, ForwardUpdate{State: jobs.ForwardRetrying, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.GetDeliveryLog(ctx, seqs[0]); r.Forwards[0].State != jobs.ForwardFailed {
		t.Errorf("a dropped forward went back to %s", r.Forwards[0].State)
	}
	// A later trim deletes the small records like any old row.
	if cut, err := s.TrimDeliveryLog(ctx, 0); err != nil || cut.Removed == 0 {
		t.Errorf("second trim = %+v, %v", cut, err)
	}
}

// Rows waiting past the age limit are pruned too, their forwards recorded
// as dropped; that record outlives the prune that made it by an age period.
func TestPruneCountsWaitingForwardsAndRecordsDrops(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	const down = "http://127.0.0.1:1/down"
	recs := []jobs.DeliveryRecord{logRecord(1, jobs.VerdictAccepted, down), logRecord(2, jobs.VerdictStale),
		logRecord(3, jobs.VerdictAccepted, down)}
	seqs, _, err := s.AppendDeliveryLog(ctx, recs)
	if err != nil {
		t.Fatal(err)
	}
	limit := recs[2].ReceivedAt // 1 and 2 are older
	cut, err := s.PruneDeliveryLog(ctx, limit)
	if err != nil || cut.Removed != 1 || cut.Dropped != 1 {
		t.Fatalf("prune = %+v, %v; want the stale row removed and one forward dropped", cut, err)
	}
	r, err := s.GetDeliveryLog(ctx, seqs[0])
	if err != nil || r.Forwards[0].State != jobs.ForwardFailed || r.Forwards[0].Error != DroppedByAge {
		t.Fatalf("the dropped forward's record = %+v, %v", r, err)
	}
	// The next prune keeps the record; one an age period later does not.
	if cut, _ := s.PruneDeliveryLog(ctx, limit); cut.Removed != 0 {
		t.Errorf("the drop's record went at the next prune: %+v", cut)
	}
	if cut, _ := s.PruneDeliveryLog(ctx, time.Now().Add(time.Minute)); cut.Removed != 1 || cut.Dropped != 1 {
		t.Errorf("prune an age period later = %+v, want the first drop's record gone and the last forward dropped", cut)
	}
}
