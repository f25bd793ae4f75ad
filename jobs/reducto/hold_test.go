package reducto_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// limitedJobs answers GET /jobs with status and the given headers, and
// every other request with a pending job, counting those in others.
func limitedJobs(status int, h map[string]string, others *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/jobs" {
			for k, v := range h {
				w.Header().Set(k, v)
			}
			writeJSON(w, status, `{"message":"[CODE 1000] rate limit exceeded, retry with exponential backoff"}`)
			return
		}
		others.Add(1)
		writeJSON(w, 200, okJob)
	}
}

// A Retry-After from one endpoint holds back the requests of every other
// endpoint of the same client until it has passed, and the wait ends with
// the caller's context.
func TestRetryAfterHoldsEveryEndpoint(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		h      map[string]string
		want   time.Duration
	}{
		{"429 Retry-After", 429, map[string]string{"Retry-After": "1"}, time.Second},
		{"429 retry-after-ms", 429, map[string]string{"retry-after-ms": "1500"}, 1500 * time.Millisecond},
		{"503 Retry-After", 503, map[string]string{"Retry-After": "2"}, 2 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var others atomic.Int64
			e := newEnv(t, limitedJobs(tc.status, tc.h, &others), reducto.WithMaxRetries(0))
			e.clk.hold = true // timers never fire: the hold cannot pass
			if _, err := e.c.ListJobs(context.Background(), reducto.ListJobsParams{}); err == nil {
				t.Fatal("GET /jobs succeeded")
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { _, err := e.c.GetJob(ctx, "j"); done <- err }()
			select {
			case d := <-e.clk.waits:
				if d != tc.want {
					t.Errorf("GET /job/j waits %v, want %v", d, tc.want)
				}
			case err := <-done:
				t.Fatalf("GET /job/j went out during the hold (err %v, %d requests)", err, others.Load())
			case <-time.After(10 * time.Second):
				t.Fatal("GET /job/j neither waited nor returned")
			}
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
			if n := others.Load(); n != 0 {
				t.Errorf("%d requests reached the server during the hold", n)
			}
		})
	}
}

// Once the hold has passed, requests go out again, after exactly one wait.
func TestRetryAfterHoldReleases(t *testing.T) {
	var others atomic.Int64
	e := newEnv(t, limitedJobs(429, map[string]string{"Retry-After": "1"}, &others), reducto.WithMaxRetries(0))
	if _, err := e.c.ListJobs(context.Background(), reducto.ListJobsParams{}); !reducto.IsRateLimited(err) {
		t.Fatalf("err = %v, want a 429", err)
	}
	if _, err := e.c.GetJob(context.Background(), "j"); err != nil {
		t.Fatal(err)
	}
	if d := e.clk.Delays(); len(d) != 1 || d[0] != time.Second {
		t.Errorf("waits %v, want one of 1s", d)
	}
	if n := others.Load(); n != 1 {
		t.Errorf("%d GET /job requests, want 1", n)
	}
	// The hold is spent: the next call does not wait again.
	if _, err := e.c.GetJob(context.Background(), "j"); err != nil {
		t.Fatal(err)
	}
	if d := e.clk.Delays(); len(d) != 1 {
		t.Errorf("waits %v after the hold, want still one", d)
	}
}

// Against the simulator on the wall clock: after GET /jobs answered 429
// with retry-after-ms 300, the next GET /job arrives no sooner than 300 ms
// later.
func TestRetryAfterHoldAgainstSimulator(t *testing.T) {
	srv := newSim(t, reductotest.Config{})
	c := reducto.New(srv.URL, "sim-key", reducto.WithMaxRetries(0))
	id, err := c.ParseAsync(context.Background(), reducto.ParseRequest{Input: "https://e.com/a.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(reductotest.Fault{PathPrefix: "/jobs", Count: 1, Status: 429, RetryAfter: 300 * time.Millisecond})
	if _, err := c.ListJobs(context.Background(), reducto.ListJobsParams{}); !reducto.IsRateLimited(err) {
		t.Fatalf("err = %v, want the injected 429", err)
	}
	if _, err := c.GetJob(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	var limited, got time.Time
	for _, r := range srv.RequestLog() {
		switch {
		case r.Path == "/jobs" && r.Status == 429:
			limited = r.At
		case r.Path == "/job/"+id:
			got = r.At
		}
	}
	if limited.IsZero() || got.IsZero() {
		t.Fatalf("request log lacks the 429 or the GET /job: %+v", srv.RequestLog())
	}
	if d := got.Sub(limited); d < 300*time.Millisecond {
		t.Errorf("GET /job arrived %v after the 429, want at least 300ms", d)
	}
}
