package settingsview

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/settings"
)

// rig is the Settings view in a test window over a real settings service
// in a temporary home and a recording Host; mu stands for the UI
// goroutine (Fyne's test driver runs fyne.Do on the caller's goroutine).
type rig struct {
	t    *testing.T
	mu   sync.Mutex
	app  fyne.App
	home string
	svc  *settings.Service
	v    *View

	inForce settings.Settings // what the app runs with; under mu
	status  string            // the status line; under mu
}

// newRig builds the view; before, if set, changes the saved settings
// first, as an earlier run would have.
func newRig(t *testing.T, before func(r *rig)) *rig {
	t.Helper()
	t.Setenv("REDUCTO_API_KEY", "test-key")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // "Start at login" writes there
	r := &rig{t: t, app: test.NewTempApp(t), home: t.TempDir()}
	svc, err := settings.NewService(settings.ServiceConfig{Home: r.home, Secrets: settings.NewSecrets(r.home, false)})
	if err != nil {
		t.Fatal(err)
	}
	r.svc = svc
	if before != nil {
		before(r)
	}
	r.inForce = svc.Settings()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	h := &testHost{r: r, ctx: ctx, wg: &wg}
	r.onMain(func() {
		r.v = New(h, Config{Settings: svc, Executable: "/usr/bin/reducto-tray", AppID: "ai.reducto.tray.test",
			Folders: noFolders{widget.NewLabel("folders")}})
		w := r.app.NewWindow("settings")
		w.SetContent(r.v.Object())
		w.Resize(fyne.NewSize(1000, 700))
	})
	return r
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

// saves records what the settings service publishes after each save.
type saves struct {
	mu  sync.Mutex
	got []settings.Effective
}

func (r *rig) recordSaves() *saves {
	s := &saves{}
	cancel := r.svc.Subscribe(func(e settings.Effective) {
		s.mu.Lock()
		s.got = append(s.got, e)
		s.mu.Unlock()
	})
	r.t.Cleanup(cancel)
	return s
}

func (s *saves) all() []settings.Effective {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]settings.Effective(nil), s.got...)
}

// testHost is the app around the view as ui's viewHost is.
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
func (h *testHost) Clipboard() fyne.Clipboard        { return h.r.app.Clipboard() }
func (h *testHost) OpenURL(u *url.URL) error         { return h.r.app.OpenURL(u) }
func (h *testHost) InForce() settings.Settings       { return h.r.inForce }
func (h *testHost) Saved(s settings.Settings)        { h.r.inForce = s }

func (h *testHost) ConfigureWebhook(context.Context) (string, error) {
	return "https://app.svix.com/portal", nil
}

// noFolders stands for the watched folders' tab.
type noFolders struct{ fyne.CanvasObject }

func (f noFolders) Object() fyne.CanvasObject { return f.CanvasObject }
func (noFolders) Sync()                       {}
