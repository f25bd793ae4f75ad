package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

func TestCompletedJobKeepsItsOriginPagesAndCredits(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	queued, err := r.engine.Submit(context.Background(), r.files(1),
		jobs.Options{Kind: jobs.KindParse, Source: jobs.SourceCLI, Preset: "invoices"})
	if err != nil || len(queued) != 1 {
		t.Fatalf("submit: %v", err)
	}
	waitFor(t, 30*time.Second, "the job to finish", r.allFinal)
	j := r.jobs()[0]
	if j.Status != jobs.StatusCompleted || j.Source != jobs.SourceCLI || j.Preset != "invoices" {
		t.Fatalf("job = %+v", j)
	}
	if j.Pages <= 0 || j.Credits == nil || *j.Credits <= 0 {
		t.Fatalf("pages %d, credits %v: want both from the result's usage", j.Pages, j.Credits)
	}
}
