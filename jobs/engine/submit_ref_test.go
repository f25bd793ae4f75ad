package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

func TestSubmitRefsTwiceWithOneReferenceIsOneJob(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	files := r.files(2)
	docs := []engine.RefDoc{{File: files[0], Ref: "watch-ref-0"}, {File: files[1], Ref: "watch-ref-1"}}
	opts := jobs.Options{Kind: jobs.KindParse, Source: jobs.SourceWatch}
	first, errs, err := r.engine.SubmitRefs(context.Background(), docs, opts)
	if err != nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("SubmitRefs: %v %v", err, errs)
	}
	again, _, err := r.engine.SubmitRefs(context.Background(), docs, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range docs {
		if again[i].ID != first[i].ID || first[i].ClientRef != docs[i].Ref || first[i].Source != jobs.SourceWatch {
			t.Fatalf("doc %d: first %+v, again %+v", i, first[i], again[i])
		}
	}
	waitFor(t, 20*time.Second, "both completed", r.allFinal)
	if n := len(r.jobs()); n != 2 {
		t.Fatalf("%d jobs in the history; want 2", n)
	}
	for ref, n := range r.simJobsPerRef() {
		if n != 1 {
			t.Fatalf("reference %s submitted %d times", ref, n)
		}
	}
}
