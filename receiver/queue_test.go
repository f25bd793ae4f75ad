package receiver

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// gateSink blocks every call until released, announcing each arrival.
type gateSink struct {
	*countSink
	entered chan string
	release chan struct{}
}

func (g *gateSink) HandleWebhook(ctx context.Context, d jobs.Delivery) error {
	g.entered <- d.ID
	<-g.release
	return g.countSink.HandleWebhook(ctx, d)
}

func TestQueueFull(t *testing.T) {
	secret := newSecret(t)
	sink := &gateSink{countSink: newCountSink(), entered: make(chan string, 10), release: make(chan struct{})}
	s, base := startServer(t, Config{
		Secret: func() string { return secret }, Sink: sink, Log: newMemLog(),
		QueueSize: 1, Workers: 1, RetryAfter: 7 * time.Second,
	})
	c := testClient()
	send := func(id string) *http.Response {
		resp, _ := do(t, c, svixRequest(t, base, secret, "svix", id, time.Now(), reductoBody("job-"+id, "Completed")))
		return resp
	}

	// The only worker holds msg_a; msg_b fills the queue of one.
	if r := send("msg_a"); r.StatusCode != 204 {
		t.Fatalf("msg_a: %d", r.StatusCode)
	}
	if id := <-sink.entered; id != "msg_a" {
		t.Fatalf("worker got %s", id)
	}
	if r := send("msg_b"); r.StatusCode != 204 {
		t.Fatalf("msg_b: %d", r.StatusCode)
	}
	r := send("msg_c")
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("msg_c with a full queue: status = %d, want 503", r.StatusCode)
	}
	if got := r.Header.Get("Retry-After"); got != "7" {
		t.Fatalf("Retry-After = %q, want 7", got)
	}
	// A slot is reserved before the id is looked up, so while the queue is
	// full even a retry of a known delivery gets 503; Svix simply retries it.
	if r := send("msg_a"); r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("msg_a retry with a full queue: status = %d, want 503", r.StatusCode)
	}
	if st := s.Stats(); st.QueueFull != 2 || st.Accepted != 2 || st.Duplicates != 0 {
		t.Fatalf("stats = %+v", st)
	}

	close(sink.release)
	if id := <-sink.entered; id != "msg_b" {
		t.Fatalf("worker got %s, want msg_b", id)
	}
	// Svix's retry of msg_c now goes through: the 503 did not record it.
	if r := send("msg_c"); r.StatusCode != 204 {
		t.Fatalf("msg_c retry: status = %d, want 204", r.StatusCode)
	}
	if id := <-sink.entered; id != "msg_c" {
		t.Fatalf("worker got %s, want msg_c", id)
	}
	eventually(t, "three sink calls", func() bool { return sink.total.Load() == 3 })
	for _, id := range []string{"msg_a", "msg_b", "msg_c"} {
		if n := sink.count(id); n != 1 {
			t.Fatalf("%s handled %d times", id, n)
		}
	}
}

func TestStoreErrorIsRetryable(t *testing.T) {
	secret := newSecret(t)
	log := newMemLog()
	sink := newCountSink()
	s, base := startServer(t, Config{Secret: func() string { return secret }, Sink: sink, Log: log})
	c := testClient()
	body := reductoBody("job-e", "Completed")

	log.fail.Store(true)
	resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_e", time.Now(), body))
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("store down: status = %d Retry-After=%q, want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if st := s.Stats(); st.Rejected[ReasonStoreError] != 1 || st.QueueLen != 0 {
		t.Fatalf("stats = %+v", st)
	}
	log.fail.Store(false)
	resp, _ = do(t, c, svixRequest(t, base, secret, "svix", "msg_e", time.Now(), body))
	if resp.StatusCode != 204 {
		t.Fatalf("store back: status = %d, want 204", resp.StatusCode)
	}
	eventually(t, "sink call", func() bool { return sink.count("msg_e") == 1 })
}

func TestSinkOutcomesCounted(t *testing.T) {
	token := "tok"
	sink := newCountSink()
	sink.err = fmt.Errorf("apply webhook: %w", jobs.ErrUnknownJob)
	s, base := startServer(t, Config{DirectToken: token, Sink: sink, Log: newMemLog()})
	req := httptest.NewRequest(http.MethodPost, base+PathDirectPrefix+token, nopCloser(reductoBody("stranger", "Completed")))
	req.RequestURI = ""
	resp, _ := do(t, testClient(), req)
	if resp.StatusCode != 204 {
		t.Fatalf("status = %d, want 204 for a job we do not know", resp.StatusCode)
	}
	eventually(t, "sink call", func() bool { return s.Stats().Handled == 1 })
	if st := s.Stats(); st.Unknown != 1 || st.SinkErrors != 0 {
		t.Fatalf("stats = %+v, want one unknown job and no sink error", st)
	}
}

// TestShutdownDrains checks that a delivery answered 204 reaches the Sink
// even when Shutdown follows at once, and that in-process requests after
// Shutdown (a relay replaying late) are refused with a retryable 503.
func TestShutdownDrains(t *testing.T) {
	token := "tok"
	sink := &gateSink{countSink: newCountSink(), entered: make(chan string, 10), release: make(chan struct{})}
	s := New(Config{DirectToken: token, Sink: sink, Log: newMemLog(), Logger: discardLogger()})
	h := s.Handler()
	for _, st := range []string{"Completed", "Failed"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, PathDirectPrefix+token, nopCloser(reductoBody("job-s", st))))
		if rec.Code != 204 {
			t.Fatalf("status = %d", rec.Code)
		}
	}
	done := make(chan error, 1)
	go func() { done <- s.Shutdown(context.Background()) }()
	<-sink.entered
	close(sink.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if sink.total.Load() != 2 {
		t.Fatalf("sink calls after shutdown = %d, want 2", sink.total.Load())
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, PathDirectPrefix+token, nopCloser(reductoBody("job-late", "Completed"))))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("after shutdown: status = %d, want 503 with Retry-After", rec.Code)
	}
}
