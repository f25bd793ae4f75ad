package webhooksview

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// rig is the Webhooks view in a test window over a recording Host; mu
// stands for the UI goroutine (Fyne's test driver runs fyne.Do on the
// caller's goroutine).
type rig struct {
	t   *testing.T
	mu  sync.Mutex
	app fyne.App
	win fyne.Window
	v   *View

	status string  // the status line: the last news or error; under mu
	jobs   []int64 // the jobs ShowJob was asked for; under mu
}

// newRig builds the view with cfg (Now and DirectURL filled in as ui
// does) and starts it, as opening the tab does.
func newRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	r := &rig{t: t, app: test.NewTempApp(t)}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DirectURL == nil {
		cfg.DirectURL = func() string { return "" }
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	h := &testHost{r: r, ctx: ctx, wg: &wg}
	r.onMain(func() {
		r.win = r.app.NewWindow("webhooks")
		r.v = New(h, cfg)
		r.win.SetContent(r.v.Object())
		r.win.Resize(fyne.NewSize(1000, 700))
		r.v.Start()
	})
	return r
}

// newWebhooksRig is the view over fake deliveries, the receiver
// listening on 127.0.0.1:7433.
func newWebhooksRig(t *testing.T, fake *fakeDeliveries, edit func(cfg *Config)) *rig {
	t.Helper()
	cfg := Config{Deliveries: fake, ListenAddr: "127.0.0.1:7433"}
	if edit != nil {
		edit(&cfg)
	}
	return newRig(t, cfg)
}

// onMain runs f as the UI goroutine.
func (r *rig) onMain(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f()
}

// eventually polls cond as the UI goroutine until it holds.
func (r *rig) eventually(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(90 * time.Second) // generous: only a failing test waits it out
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		var ok bool
		r.onMain(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// testHost is the app around the view as ui's viewHost is, recording what
// the view asks of it.
type testHost struct {
	r   *rig
	ctx context.Context
	wg  *sync.WaitGroup
}

func (h *testHost) Go(f func(ctx context.Context)) {
	h.wg.Add(1)
	go func() { defer h.wg.Done(); f(h.ctx) }()
}

func (h *testHost) Do(f func()) {
	fyne.Do(func() {
		if h.ctx.Err() != nil {
			return
		}
		h.r.onMain(f)
	})
}

func (h *testHost) SetStatus(msg string)             { h.r.status = msg }
func (h *testHost) ShowError(what string, err error) { h.r.status = what + ": " + err.Error() }
func (h *testHost) ShowJob(id int64)                 { h.r.jobs = append(h.r.jobs, id) }
func (h *testHost) Window() fyne.Window              { return h.r.win }
func (h *testHost) Clipboard() fyne.Clipboard        { return h.r.app.Clipboard() }
