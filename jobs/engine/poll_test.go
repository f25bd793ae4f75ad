package engine_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// durationsByName gives documents whose name contains a key that duration,
// others def.
func durationsByName(def time.Duration, byKey map[string]time.Duration) func(reductotest.Submission) time.Duration {
	return func(s reductotest.Submission) time.Duration {
		for k, d := range byKey {
			if strings.Contains(s.FileName, k) {
				return d
			}
		}
		return def
	}
}

// submitTogether submits files with the simulator paused, so that their
// jobs start, and end, at the same moment: the moment it returns.
func (r *rig) submitTogether(files []string, opts jobs.Options) []jobs.Job {
	r.t.Helper()
	r.sim.SetPaused(true)
	queued, err := r.engine.Submit(context.Background(), files, opts)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, j := range queued {
		r.waitSubmitted(j.ID)
	}
	r.sim.SetPaused(false)
	return queued
}

// jobGETsAfter counts the GET /job requests for jobID from at on.
func (r *rig) jobGETsAfter(jobID string, at time.Time) int {
	n := 0
	for _, rec := range r.sim.RequestLog() {
		if rec.Path == "/job/"+jobID && !rec.At.Before(at) {
			n++
		}
	}
	return n
}

func TestSweepNoticesEndWithoutPerJobGET(t *testing.T) {
	const dur = 15 * time.Second
	r := newRig(t, reductotest.Config{JobDuration: durationsByName(dur, nil)}, engine.PollPolicy{})
	r.submitTogether(r.files(3), jobs.Options{})
	end := r.clk.Now().Add(dur - time.Second)
	waitFor(t, 30*time.Second, "all jobs final", r.allFinal)
	for _, j := range r.jobs() {
		if j.Status != jobs.StatusCompleted {
			t.Fatalf("job %d %s: %s", j.ID, j.Status, j.Error)
		}
		// The end came from a list page; the only GET /job is the result.
		timeline, err := r.store.Timeline(context.Background(), j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := timeline[len(timeline)-1]; !strings.Contains(last.Detail, "job list") {
			t.Errorf("job %d: last transition %q, want it noticed by the job list", j.ID, last.Detail)
		}
		if n := r.jobGETsAfter(j.JobID, end); n != 1 {
			t.Errorf("job %s: %d GET /job requests around its end, want 1 (the result)", j.JobID, n)
		}
	}
}

// requestsAfter returns the simulator's log from the first request
// matching from on.
func requestsAfter(log []reductotest.RequestRecord, from func(reductotest.RequestRecord) bool) []reductotest.RequestRecord {
	for i, rec := range log {
		if from(rec) {
			return log[i:]
		}
	}
	return nil
}

func TestRateLimitedSweepWaitsRetryAfterWithoutPerJobGETs(t *testing.T) {
	// Longer than the client waits itself (a minute): only the poller can
	// honour it.
	const retryAfter = 90 * time.Second
	r := newRig(t, reductotest.Config{JobDuration: durationsByName(time.Hour, nil)}, engine.PollPolicy{})
	if _, err := r.engine.Submit(context.Background(), r.files(4), jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "a first sweep", func() bool { return r.sim.Requests("/jobs") > 0 })
	// Every attempt of the next sweep (the client retries twice) is refused.
	r.sim.Inject(reductotest.Fault{PathPrefix: "/jobs", Count: 1 + reducto.DefaultMaxRetries,
		Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
	var after []reductotest.RequestRecord
	waitFor(t, 20*time.Second, "a sweep after the 429s", func() bool {
		after = requestsAfter(r.sim.RequestLog(), func(rec reductotest.RequestRecord) bool {
			return rec.Status == http.StatusTooManyRequests
		})
		for _, rec := range after {
			if rec.Path == "/jobs" && rec.Status == http.StatusOK {
				return true
			}
		}
		return false
	})
	var last429 time.Time
	for _, rec := range after {
		switch {
		case rec.Status == http.StatusTooManyRequests:
			last429 = rec.At
		case strings.HasPrefix(rec.Path, "/job/"):
			t.Fatalf("GET %s at %s while rate limited: a refused list page must not turn into one request a job", rec.Path, rec.At.Sub(last429))
		case rec.Path == "/jobs":
			if wait := rec.At.Sub(last429); wait < retryAfter {
				t.Fatalf("next sweep %s after the 429, want at least its Retry-After %s", wait, retryAfter)
			}
			return
		}
	}
}

// sweeps groups GET /jobs requests into sweeps: the pages of one sweep
// follow each other closely, sweeps are at least First apart.
func sweeps(log []reductotest.RequestRecord) [][]reductotest.RequestRecord {
	var out [][]reductotest.RequestRecord
	var prev time.Time
	for _, rec := range log {
		if rec.Path != "/jobs" {
			continue
		}
		if len(out) == 0 || rec.At.Sub(prev) > 500*time.Millisecond {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], rec)
		prev = rec.At
	}
	return out
}

func TestSweepReadsOnlyThePagesItNeeds(t *testing.T) {
	r := newRig(t, reductotest.Config{JobDuration: durationsByName(30*time.Second, map[string]time.Duration{"doc-000": time.Hour})},
		engine.PollPolicy{Reconcile: time.Hour})
	ctx := context.Background()
	// An old webhook-mode job, far down the list: only its slow
	// reconciliation reads that far.
	hook, err := r.engine.Submit(ctx, r.files(1), jobs.Options{Webhook: jobs.WebhookDirect})
	if err != nil {
		t.Fatal(err)
	}
	r.waitSubmitted(hook[0].ID)
	// 600 jobs of another install push it beyond the first page.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range 600 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if _, err := r.client.ParseAsync(ctx, reducto.ParseRequest{Input: fmt.Sprintf("https://example.com/other-%d.pdf", i)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	// Twelve polling-mode jobs, newest of all: one page covers them.
	files := r.files(13)[1:]
	r.submitTogether(files, jobs.Options{})
	end := r.clk.Now().Add(30*time.Second - time.Second)
	waitFor(t, 30*time.Second, "the polling jobs to complete", func() bool {
		n, err := r.store.Count(ctx, jobs.Query{Statuses: []jobs.Status{jobs.StatusCompleted}})
		return err == nil && n == len(files)
	})
	all := sweeps(r.sim.RequestLog())
	if len(all) == 0 {
		t.Fatal("no sweep")
	}
	for i, s := range all {
		if len(s) != 1 {
			t.Fatalf("sweep %d read %d pages, want 1: the followed polling jobs are all on the first", i, len(s))
		}
	}
	// A page a sweep, and one GET /job a job for its result: the list
	// answers for all twelve at once.
	for _, j := range r.jobs() {
		if n := r.jobGETsAfter(j.JobID, end); j.Webhook == jobs.WebhookNone && n != 1 {
			t.Errorf("job %s: %d GET /job requests around its end, want 1 (the result)", j.JobID, n)
		}
	}
}

func TestPollingRidesOutAMinuteLongOutage(t *testing.T) {
	r := newRig(t, reductotest.Config{JobDuration: durationsByName(3*time.Second, nil)}, engine.PollPolicy{})
	if _, err := r.engine.Submit(context.Background(), r.files(6), jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "a first sweep", func() bool { return r.sim.Requests("/jobs") > 0 })
	// The status endpoints go down, in every way they can, while the jobs end.
	r.sim.Inject(reductotest.Fault{PathPrefix: "/job", Count: 40, Status: http.StatusServiceUnavailable})
	r.sim.Inject(reductotest.Fault{PathPrefix: "/job", Count: 20, Drop: reductotest.DropBefore})
	r.sim.Inject(reductotest.Fault{PathPrefix: "/job", Count: 40, Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second})
	waitFor(t, 60*time.Second, "all jobs final", r.allFinal)
	if n503, n429 := r.sim.CountStatus(http.StatusServiceUnavailable), r.sim.Count429(); n503 < 40 || n429 < 40 {
		t.Fatalf("the outage was not hit in full: %d 503s and %d 429s", n503, n429)
	}
	for _, j := range r.jobs() {
		if j.Status != jobs.StatusCompleted {
			t.Fatalf("job %d %s after an outage: %s", j.ID, j.Status, j.Error)
		}
		if n := r.completions(j.ID); n != 1 {
			t.Fatalf("job %d completed %d times", j.ID, n)
		}
	}
}
