package store

import (
	"context"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// A batch larger than one multi-row statement (and of no prepared size)
// gets every row's own seq back, and each row its own forwards: the
// chunking must not shift seqs between rows or forwards between entries.
func TestAppendDeliveryLogChunksKeepSeqsAndForwards(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	// Rows already there: seqs of the batch do not start at 1.
	if _, _, err := s.AppendDeliveryLog(ctx, []jobs.DeliveryRecord{logRecord(0, jobs.VerdictBadSignature)}); err != nil {
		t.Fatal(err)
	}
	const n = 2*maxRowsPerInsert + 13
	recs := make([]jobs.DeliveryRecord, n)
	for i := range recs {
		if i%3 == 0 {
			recs[i] = logRecord(i+1, jobs.VerdictAccepted, "http://127.0.0.1:1/a", "http://127.0.0.1:2/b")
		} else {
			recs[i] = logRecord(i+1, jobs.VerdictDuplicate)
		}
	}
	seqs, _, err := s.AppendDeliveryLog(ctx, recs)
	if err != nil || len(seqs) != n {
		t.Fatalf("append %d: %d seqs, %v", n, len(seqs), err)
	}
	for i, seq := range seqs {
		got, err := s.GetDeliveryLog(ctx, seq)
		if err != nil {
			t.Fatalf("get %d: %v", seq, err)
		}
		if got.ID != recs[i].ID || got.Verdict != recs[i].Verdict {
			t.Fatalf("seq %d: got %s %s, want %s %s", seq, got.ID, got.Verdict, recs[i].ID, recs[i].Verdict)
		}
		if len(got.Forwards) != len(recs[i].Forwards) {
			t.Fatalf("%s: %d forwards, want %d", got.ID, len(got.Forwards), len(recs[i].Forwards))
		}
		for j, f := range got.Forwards {
			if f.URL != recs[i].Forwards[j].URL || f.State != jobs.ForwardRetrying {
				t.Fatalf("%s forward %d: %+v, want %s retrying", got.ID, j, f, recs[i].Forwards[j].URL)
			}
		}
	}
}
