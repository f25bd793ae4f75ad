package engine_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// A 429 on the GET /job that fetches a finished job's result is retried
// once Reducto's Retry-After has passed, like every other request: the job
// must not look "running" for minutes after Reducto finished it. The jobs
// whose fetch failed come due together after the hold, which makes their
// round a reconciliation sweep (a GET /jobs page); that round used to be
// dropped, leaving them until something else woke the poller. With one
// job and ListThreshold 1 that is certain; with three jobs and the default
// policy it is what a person met.
func TestRateLimitedResultFetchRetriedAfterRetryAfter(t *testing.T) {
	const (
		dur        = 5 * time.Second
		retryAfter = 3 * time.Second
		// slack is the engine time allowed past the Retry-After: a sweep,
		// the fetch and the commit. The clock runs 5x, so that is 2 s of
		// real time, which a loaded machine under the race detector needs.
		slack = 10 * time.Second
	)
	cases := []struct {
		n   int
		pol engine.PollPolicy
	}{
		// Max is far above the slack: the old guard (Max+Interval) cannot
		// pass for a prompt retry.
		{1, engine.PollPolicy{ListThreshold: 1, Max: 10 * time.Minute}},
		{3, engine.PollPolicy{Max: 10 * time.Minute}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d jobs, threshold %d", c.n, c.pol.ListThreshold), func(t *testing.T) {
			r := newRigAt(t, 5, reductotest.Config{JobDuration: durationsByName(dur, nil)}, c.pol, nil)
			queued := r.submitTogether(r.files(c.n), jobs.Options{})
			// The sweeps list the jobs, so no GET /job is sent before
			// their end: every attempt of each result fetch (the client
			// retries twice) gets the 429.
			refusals := c.n * (1 + reducto.DefaultMaxRetries)
			r.sim.Inject(reductotest.Fault{PathPrefix: "/job/", Count: refusals,
				Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
			waitFor(t, 30*time.Second, "the result fetches refused", func() bool { return r.sim.Count429() >= refusals })
			refused := r.clk.Now()
			deadline := refused.Add(retryAfter + slack)
			for {
				done := 0
				for _, q := range queued {
					j, err := r.store.Get(context.Background(), q.ID)
					if err != nil {
						t.Fatal(err)
					}
					if j.Status == jobs.StatusCompleted {
						done++
					}
				}
				if done == len(queued) {
					break
				}
				if now := r.clk.Now(); now.After(deadline) {
					var log strings.Builder
					for _, rec := range r.sim.RequestLog() {
						if strings.HasPrefix(rec.Path, "/job") {
							fmt.Fprintf(&log, "\n  %s %s %d", rec.At.Sub(refused).Round(time.Millisecond), rec.Path, rec.Status)
						}
					}
					t.Fatalf("%d of %d jobs completed %s after their result fetch was refused with Retry-After %s; requests (time from the last refusal seen):%s",
						done, len(queued), now.Sub(refused).Round(time.Second), retryAfter, log.String())
				}
				time.Sleep(2 * time.Millisecond)
			}
			for _, q := range queued {
				if n := r.completions(q.ID); n != 1 {
					t.Fatalf("job %d completed %d times", q.ID, n)
				}
			}
		})
	}
}
