// Package notify turns job outcomes into native desktop notifications.
//
// It imports beeep, godbus and the jobs domain but not Fyne, so the
// --headless mode uses it exactly as the tray does.
//
// Rules it keeps (design.md, "Notifications"):
//   - one notification per job reaching completed or failed, never two,
//     whatever the engine emits twice;
//   - each outcome is shown at once, not held back to see whether a burst
//     follows;
//   - three or more outcomes within two seconds become one summary that
//     names every file; one or two are each a notification of their own;
//   - a desktop that never answers cannot hang the app or pile up goroutines.
//
// Grouping. Every outcome is shown at once. While fewer than BurstSize
// outcomes fall within BurstWindow, each is a notification of its own (one
// or two outcomes are never merged). The BurstSize-th within the window
// makes a burst, and the group stays open while outcomes keep arriving less
// than BurstWindow apart (so a thousand documents dropped at once end as
// one summary); without a Replacer it is capped at 4×BurstWindow after it
// opened, so the outcomes held for its summary are shown every few seconds.
// With a Replacer (DesktopSender on Linux: org.freedesktop.Notifications
// with replaces_id and CloseNotification) the burst becomes one summary at
// once ("3 documents completed", one line per file): the latest of the
// notifications already shown is updated in place into the summary, the
// older ones of the window are closed, and every later outcome of the burst
// updates the summary in place. Updating in place rather than closing all
// and showing a new one keeps the notification the person is looking at
// where it is; the design counts an updated notification as the same one.
// Without a Replacer (beeep on Windows and macOS can neither replace nor
// close), the first BurstSize-1 outcomes stay as shown, and the burst's
// remaining outcomes are held and shown as one summary when the group
// closes. Nothing is named in two notifications left on screen (except
// after the D-Bus fallback, which cannot take a notification back).
//
// Sending. A D-Bus call can block for ever (a wedged daemon). Each call runs
// on a goroutine of its own, but only one is ever in flight: the loop stops
// waiting after Config.Timeout, reports the failure, and keeps consuming
// events; updates that become due while a call is in flight are merged and
// sent when it returns (a backlog of new notifications becomes one). Closing
// the notifications a summary replaced waits until nothing is due to be
// shown, so it never delays one. At most one goroutine can ever be stuck in
// the desktop.
package notify

import (
	"errors"
	"log/slog"
	"sync"
	"time"
)

// ErrTimeout reports that the notification server did not answer a
// notification within Config.Timeout.
var ErrTimeout = errors.New("notification server did not answer")

// Config wires a Notifier. Zero fields take the defaults.
type Config struct {
	// Sender shows notifications; nil means &DesktopSender{AppName:
	// DefaultAppName}. A Sender that is also a Replacer updates a burst's
	// notification in place.
	Sender Sender
	// Timeout is how long to wait for one notification (default 5 s).
	Timeout time.Duration
	// BurstWindow and BurstSize define a burst: BurstSize or more outcomes
	// within BurstWindow become one summary (defaults 2 s and 3). See the
	// package comment for how a Replacer and a plain Sender use them.
	BurstWindow time.Duration
	BurstSize   int
	// Logger receives failures (default slog.Default()).
	Logger *slog.Logger
	// Now is the wall clock pauses are measured against (default
	// time.Now). Burst windows use the runtime's monotonic timers.
	Now func() time.Time
	// OnHealth, if set, is called with the error when a notification fails
	// or times out, and with nil when one succeeds again after a failure, so
	// the tray can show "needs attention". It runs on Run's goroutine and
	// must return quickly (a Fyne caller wraps its work in fyne.Do).
	OnHealth func(err error)
}

// Notifier consumes engine events and raises one notification per job that
// completes or fails. Its methods are safe for concurrent use.
type Notifier struct {
	cfg Config

	mu          sync.Mutex
	mode        Mode
	accountMode Mode // for account jobs (Event.Account); SetAccountMode
	pausedUntil time.Time
	lastErr     error
	onHealth    func(error)

	// testHookQueued, when set by tests, is called from Run with the number
	// of outcomes waiting to be shown while a call is in flight.
	testHookQueued func(int)
}

// New returns a notifier in mode All, not paused.
func New(cfg Config) *Notifier {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.BurstWindow <= 0 {
		cfg.BurstWindow = 2 * time.Second
	}
	if cfg.BurstSize <= 0 {
		cfg.BurstSize = 3
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sender == nil {
		cfg.Sender = &DesktopSender{AppName: DefaultAppName, Logger: cfg.Logger}
	}
	return &Notifier{cfg: cfg, onHealth: cfg.OnHealth}
}

// SetOnHealth replaces the health callback (see Config.OnHealth); the tray
// may be built after the notifier starts.
func (n *Notifier) SetOnHealth(f func(err error)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.onHealth = f
}

// LastError returns the last notification failure, or nil once a
// notification has succeeded since.
func (n *Notifier) LastError() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.lastErr
}

func (n *Notifier) fail(err error) {
	n.cfg.Logger.Warn("desktop notification failed", "err", err)
	n.mu.Lock()
	n.lastErr = err
	f := n.onHealth
	n.mu.Unlock()
	if f != nil {
		f(err)
	}
}

func (n *Notifier) succeeded() {
	n.mu.Lock()
	was := n.lastErr
	n.lastErr = nil
	f := n.onHealth
	n.mu.Unlock()
	if was == nil {
		return
	}
	n.cfg.Logger.Info("desktop notifications work again")
	if f != nil {
		f(nil)
	}
}

// Degraded returns why notifications currently go through a fallback that
// cannot update them in place (see DesktopSender.Degraded), or nil.
func (n *Notifier) Degraded() error {
	if d, ok := n.cfg.Sender.(interface{ Degraded() error }); ok {
		return d.Degraded()
	}
	return nil
}
