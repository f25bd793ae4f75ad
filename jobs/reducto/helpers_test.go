package reducto_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// fakeClock records every retry delay the client asks for. Its timers fire
// at once, or, when hold is set, never (so a test can cancel during the
// wait), announcing each wait on waits.
type fakeClock struct {
	mu     sync.Mutex
	delays []time.Duration
	hold   bool
	waits  chan time.Duration
}

var fakeNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func newFakeClock() *fakeClock { return &fakeClock{waits: make(chan time.Duration, 64)} }

func (f *fakeClock) Now() time.Time { return fakeNow }

func (f *fakeClock) After(d time.Duration) <-chan time.Time { return f.NewTimer(d).C() }

func (f *fakeClock) NewTimer(d time.Duration) clock.Timer {
	f.mu.Lock()
	f.delays = append(f.delays, d)
	hold := f.hold
	f.mu.Unlock()
	f.waits <- d
	t := &fakeTimer{c: make(chan time.Time, 1)}
	if !hold {
		t.c <- fakeNow.Add(d)
	}
	return t
}

func (f *fakeClock) Delays() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.delays...)
}

type fakeTimer struct{ c chan time.Time }

func (t *fakeTimer) C() <-chan time.Time        { return t.c }
func (t *fakeTimer) Stop() bool                 { return true }
func (t *fakeTimer) Reset(d time.Duration) bool { return true }

// env is a client wired to a loopback server and a fake clock.
type env struct {
	srv   *httptest.Server
	c     *reducto.Client
	clk   *fakeClock
	calls atomic.Int64 // requests the handler saw
}

const testKey = "test-key"

// newEnv starts a server running h (counting its calls) and a client for
// it with the SDK's defaults, a fake clock and opts.
func newEnv(t *testing.T, h http.HandlerFunc, opts ...reducto.Option) *env {
	t.Helper()
	e := &env{clk: newFakeClock()}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.calls.Add(1)
		h(w, r)
	}))
	t.Cleanup(e.srv.Close)
	opts = append([]reducto.Option{reducto.WithClock(e.clk)}, opts...)
	e.c = reducto.New(e.srv.URL, testKey, opts...)
	return e
}

// writeJSON answers with a status and a JSON body.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
