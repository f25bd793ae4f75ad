package reducto_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

const okJob = `{"status":"Pending","progress":null,"result":null}`

// failThen answers status (with headers h) n times, then a pending job.
func failThen(n int64, status int, h map[string]string) http.HandlerFunc {
	var seen atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) <= n {
			for k, v := range h {
				w.Header().Set(k, v)
			}
			writeJSON(w, status, `{"detail":"try later"}`)
			return
		}
		writeJSON(w, 200, okJob)
	}
}

func TestRetryStatuses(t *testing.T) {
	for _, code := range []int{408, 409, 429, 500, 502, 503, 504} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			e := newEnv(t, failThen(2, code, nil))
			j, err := e.c.GetJob(context.Background(), "j")
			if err != nil {
				t.Fatalf("GetJob after two %d: %v", code, err)
			}
			if j.Status != reducto.JobPending || e.calls.Load() != 3 {
				t.Errorf("status %q after %d calls, want Pending after 3", j.Status, e.calls.Load())
			}
		})
	}
	for _, code := range []int{400, 401, 403, 404, 415, 422, 442} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			e := newEnv(t, failThen(5, code, nil))
			if _, err := e.c.GetJob(context.Background(), "j"); err == nil {
				t.Fatal("no error")
			}
			if n := e.calls.Load(); n != 1 {
				t.Errorf("%d was tried %d times, want once", code, n)
			}
		})
	}
}

func TestRetryGivesUpAfterMaxRetries(t *testing.T) {
	e := newEnv(t, failThen(100, 503, nil), reducto.WithMaxRetries(3))
	_, err := e.c.GetJob(context.Background(), "j")
	var ae *reducto.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Fatalf("err = %v, want the last 503", err)
	}
	if n := e.calls.Load(); n != 4 {
		t.Errorf("%d attempts, want 1 + 3 retries", n)
	}
	if d := e.clk.Delays(); len(d) != 3 {
		t.Errorf("%d waits, want 3", len(d))
	}
}

func TestBackoffExponentialCappedJittered(t *testing.T) {
	e := newEnv(t, failThen(100, 500, nil), reducto.WithMaxRetries(6), reducto.WithBackoff(time.Second, 4*time.Second))
	_, _ = e.c.GetJob(context.Background(), "j")
	want := []time.Duration{1, 2, 4, 4, 4, 4}
	got := e.clk.Delays()
	if len(got) != len(want) {
		t.Fatalf("delays %v, want %d of them", got, len(want))
	}
	for i, d := range got {
		// The app's one backoff rule: ±12.5 % around the doubled delay.
		mid := want[i] * time.Second
		lo, hi := mid*7/8, mid*9/8
		if d < lo || d > hi {
			t.Errorf("delay %d = %v, want in [%v, %v]", i, d, lo, hi)
		}
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	cases := []struct {
		name   string
		h      map[string]string
		want   time.Duration // exact delay expected; 0 = the backoff
		stored time.Duration // APIError.RetryAfter on the final error
	}{
		{"retry-after-ms", map[string]string{"retry-after-ms": "1500"}, 1500 * time.Millisecond, 1500 * time.Millisecond},
		{"seconds", map[string]string{"Retry-After": "7"}, 7 * time.Second, 7 * time.Second},
		{"ms wins over seconds", map[string]string{"retry-after-ms": "250", "Retry-After": "9"}, 250 * time.Millisecond, 250 * time.Millisecond},
		{"http date", map[string]string{"Retry-After": fakeNow.Add(20 * time.Second).Format(http.TimeFormat)}, 20 * time.Second, 20 * time.Second},
		{"too long falls back to backoff", map[string]string{"Retry-After": "120"}, 0, 120 * time.Second},
		{"zero falls back to backoff", map[string]string{"Retry-After": "0"}, 0, 0},
		{"garbage falls back to backoff", map[string]string{"Retry-After": "soon"}, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, failThen(100, 429, tc.h), reducto.WithMaxRetries(1), reducto.WithBackoff(100*time.Millisecond, time.Second))
			_, err := e.c.GetJob(context.Background(), "j")
			if got := reducto.RetryAfter(err); got != tc.stored {
				t.Errorf("RetryAfter(err) = %v, want %v", got, tc.stored)
			}
			d := e.clk.Delays()
			if len(d) != 1 {
				t.Fatalf("waits %v, want one", d)
			}
			if tc.want > 0 && d[0] != tc.want {
				t.Errorf("waited %v, want %v", d[0], tc.want)
			}
			if tc.want == 0 && (d[0] < 87*time.Millisecond || d[0] > 113*time.Millisecond) { // 100 ms ±12.5 %
				t.Errorf("waited %v, want the first backoff step", d[0])
			}
		})
	}
}

func TestConnectionErrorsRetriedForIdempotentCalls(t *testing.T) {
	// A server that takes the request and hangs up without answering.
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) { hangUp(t, w) })
	_, err := e.c.GetJob(context.Background(), "j")
	if err == nil || reducto.IsAmbiguous(err) {
		t.Fatalf("err = %v, want a plain connection error", err)
	}
	// The transport may replay an idempotent GET itself once; what matters
	// is that the client retried twice on top of the first attempt.
	if n := e.calls.Load(); n < 3 {
		t.Errorf("%d attempts, want at least 3", n)
	}
	if d := e.clk.Delays(); len(d) != 2 {
		t.Errorf("waits %v, want two", d)
	}
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	e := newEnv(t, failThen(100, 503, map[string]string{"Retry-After": "30"}))
	e.clk.hold = true
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-e.clk.waits // the client is now waiting to retry
		cancel()
	}()
	_, err := e.c.GetJob(ctx, "j")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := e.calls.Load(); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
	if d := e.clk.Delays(); len(d) != 1 || d[0] != 30*time.Second {
		t.Errorf("waits %v, want one of 30s", d)
	}
}

func TestContextAlreadyCancelled(t *testing.T) {
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okJob) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.c.GetJob(ctx, "j"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if e.calls.Load() != 0 || len(e.clk.Delays()) != 0 {
		t.Error("a cancelled call reached the server or waited")
	}
}

// hangUp closes the connection after reading the request, without a
// response: the client cannot know whether the request was acted on.
func hangUp(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// refusedURL returns a loopback URL nobody listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}
