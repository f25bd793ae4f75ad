// Package uitest is what the tests of the views in packages of their own
// (ui/pageview, ui/webhooksview, ui/settingsview) share with ui's: a lock
// standing for the UI goroutine, a poll with a deadline, a Host that runs
// work as ui's App does and records the status line, and a recorder of
// settings saves.
package uitest

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs/settings"
)

// UI stands for Fyne's main goroutine: Fyne's test driver runs fyne.Do
// on the caller's goroutine, so the tests and the view's callbacks take
// this lock instead.
type UI struct{ mu sync.Mutex }

// OnMain runs f as the UI goroutine.
func (u *UI) OnMain(f func()) {
	u.mu.Lock()
	defer u.mu.Unlock()
	f()
}

// Eventually polls cond through onMain until it holds, and fails t after
// a generous deadline (only a failing test waits it out, and CI machines
// are loaded).
func Eventually(t testing.TB, onMain func(func()), what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		var ok bool
		onMain(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// Host is the app around a view as ui's viewHost is, for what every view
// asks of it; a test adds what its view asks besides.
type Host struct {
	*UI
	App    fyne.App
	Win    fyne.Window
	ctx    context.Context
	wg     sync.WaitGroup
	status string // under UI
}

// NewHost returns a host over a test app with a window; its background
// work is cancelled and waited for when t ends.
func NewHost(t testing.TB) *Host {
	ctx, cancel := context.WithCancel(context.Background())
	h := &Host{UI: &UI{}, App: test.NewTempApp(t), ctx: ctx}
	h.Win = h.App.NewWindow("view")
	t.Cleanup(func() { cancel(); h.wg.Wait() })
	return h
}

// Eventually polls cond as the UI goroutine until it holds.
func (h *Host) Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	Eventually(t, h.OnMain, what, cond)
}

// Go runs f in the background, as ui's goBg does.
func (h *Host) Go(f func(ctx context.Context)) {
	h.wg.Add(1)
	go func() { defer h.wg.Done(); f(h.ctx) }()
}

// Do runs f as the UI goroutine, unless the test has ended.
func (h *Host) Do(f func()) {
	fyne.Do(func() {
		if h.ctx.Err() != nil {
			return
		}
		h.OnMain(f)
	})
}

// SetStatus records msg as the status line.
func (h *Host) SetStatus(msg string) { h.status = msg }

// ShowError records what failed as the status line.
func (h *Host) ShowError(what string, err error) { h.status = what + ": " + err.Error() }

// Status is the status line. UI goroutine.
func (h *Host) Status() string { return h.status }

// Window is the test window.
func (h *Host) Window() fyne.Window { return h.Win }

// Clipboard is the test app's clipboard.
func (h *Host) Clipboard() fyne.Clipboard { return h.App.Clipboard() }

// Saves records what a settings service publishes after each save.
type Saves struct {
	mu  sync.Mutex
	got []settings.Effective
}

// RecordSaves records svc's saves until t ends.
func RecordSaves(t testing.TB, svc *settings.Service) *Saves {
	s := &Saves{}
	t.Cleanup(svc.Subscribe(func(e settings.Effective) {
		s.mu.Lock()
		s.got = append(s.got, e)
		s.mu.Unlock()
	}))
	return s
}

// All is what was published, oldest first.
func (s *Saves) All() []settings.Effective {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]settings.Effective(nil), s.got...)
}
