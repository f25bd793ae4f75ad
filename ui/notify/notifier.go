// Package notify turns job outcomes into native desktop notifications.
//
// It imports beeep and the jobs domain but not Fyne, so the --headless mode
// uses it exactly as the tray does.
//
// Rules it keeps (design.md, "Notifications"):
//   - one notification per job reaching completed or failed, never two,
//     whatever the engine emits twice;
//   - three or more outcomes within two seconds become one summary;
//   - a desktop that never answers cannot hang the app or pile up goroutines.
//
// Buffering. An outcome cannot be shown the moment it arrives: it may be the
// first of a burst, and a burst must become one notification that names it.
// So each outcome waits exactly BurstWindow after its arrival, the least that
// lets the notifier know whether BurstSize outcomes fall within the window
// that starts with it; a lone outcome is therefore shown BurstWindow (2 s)
// late and no later. The window slides: when the oldest waiting outcome's
// window closes with fewer than BurstSize outcomes in it, that outcome alone
// is shown and the next one's window (which started when it arrived) decides
// next. Once a burst is detected the notifier keeps gathering until no
// outcome has arrived for BurstWindow, capped at 4×BurstWindow after the
// burst began so that a steady stream still produces a summary every few
// seconds.
//
// Sending. beeep.Notify is a synchronous D-Bus call without a timeout. Each
// notification is sent on a goroutine of its own, but only one is ever in
// flight: the loop stops waiting after Config.Timeout, reports the failure,
// and keeps consuming events; notifications that become ready while a call
// is in flight are merged into one waiting batch, sent (as a summary) when
// the call returns. At most one goroutine can ever be stuck in the desktop.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// ErrTimeout reports that the notification server did not answer a
// notification within Config.Timeout.
var ErrTimeout = errors.New("notification server did not answer")

// Config wires a Notifier. Zero fields take the defaults.
type Config struct {
	// Sender shows notifications; nil means BeeepSender{AppName: DefaultAppName}.
	Sender Sender
	// Timeout is how long to wait for one notification (default 5 s).
	Timeout time.Duration
	// BurstWindow and BurstSize define a burst: BurstSize or more outcomes
	// within BurstWindow become one summary (defaults 2 s and 3).
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
	pausedUntil time.Time
	lastErr     error
	onHealth    func(error)

	// testHookQueued, when set by tests, is called from Run with the number
	// of outcomes waiting behind a call in flight.
	testHookQueued func(int)
}

// New returns a notifier in mode All, not paused.
func New(cfg Config) *Notifier {
	if cfg.Sender == nil {
		cfg.Sender = BeeepSender{AppName: DefaultAppName}
	}
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

// Run consumes events until ctx ends or events is closed. When events is
// closed, outcomes still waiting in the burst window are sent at once and
// Run waits (at most Timeout per notification) for them to go out; when ctx
// ends, Run returns immediately and waiting outcomes are dropped.
func (n *Notifier) Run(ctx context.Context, events <-chan jobs.Event) {
	r := &runner{
		n:      n,
		seen:   make(map[int64]struct{}),
		done:   make(chan error, 1),
		flushT: time.NewTimer(time.Hour),
		sendT:  time.NewTimer(time.Hour),
	}
	r.flushT.Stop()
	r.sendT.Stop()
	defer r.flushT.Stop()
	defer r.sendT.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				r.drain(ctx)
				return
			}
			r.accept(ev)
		case <-r.flushT.C:
			for _, b := range r.decide(time.Now(), false) {
				r.emit(b)
			}
		case err := <-r.done:
			r.finished(err)
		case <-r.sendT.C:
			r.expired()
		}
		r.arm()
	}
}

// waiting is an outcome in the burst window, stamped on arrival.
type waiting struct {
	outcome
	at time.Time
}

// runner is the state of one Run call; only Run's goroutine touches it.
type runner struct {
	n    *Notifier
	seen map[int64]struct{} // local ids already notified, suppressed or waiting

	pending    []waiting // outcomes whose burst window is still open
	burst      bool      // pending holds a detected burst
	burstStart time.Time

	inflight bool       // a Send goroutine has not returned yet
	timedOut bool       // ... and it has already been reported as timed out
	queued   []outcome  // one merged batch waiting for the call in flight
	done     chan error // the Send goroutine's result; buffered so it never leaks

	flushT *time.Timer // next burst-window decision
	sendT  *time.Timer // timeout of the call in flight
}

func (r *runner) accept(ev jobs.Event) {
	if ev.Kind != jobs.EventChanged {
		return
	}
	j := ev.Job
	if j.Status != jobs.StatusCompleted && j.Status != jobs.StatusFailed {
		return
	}
	if _, dup := r.seen[j.ID]; dup {
		return
	}
	// Remembered even when suppressed: an outcome dropped during a pause or
	// in mode Off must not surface later through a duplicate event.
	r.seen[j.ID] = struct{}{}
	o := newOutcome(j)
	if !r.n.wanted(o) {
		return
	}
	r.pending = append(r.pending, waiting{outcome: o, at: time.Now()})
}

func (r *runner) maxHold() time.Duration { return 4 * r.n.cfg.BurstWindow }

func (r *runner) burstDeadline() time.Time {
	quiet := r.pending[len(r.pending)-1].at.Add(r.n.cfg.BurstWindow)
	if capAt := r.burstStart.Add(r.maxHold()); capAt.Before(quiet) {
		return capAt
	}
	return quiet
}

// decide returns, oldest first, the batches whose fate is known at now:
// single outcomes whose window closed without a burst, or a finished burst.
// force (the event stream has ended) treats every window as closed.
func (r *runner) decide(now time.Time, force bool) [][]waiting {
	w := r.n.cfg.BurstWindow
	var ready [][]waiting
	for len(r.pending) > 0 {
		if r.burst {
			if !force && now.Before(r.burstDeadline()) {
				break
			}
			ready = append(ready, r.pending)
			r.pending, r.burst = nil, false
			break
		}
		oldest := r.pending[0]
		end := oldest.at.Add(w)
		if !force && now.Before(end) {
			break
		}
		in := 0
		for _, p := range r.pending {
			if p.at.After(end) {
				break
			}
			in++
		}
		if in >= r.n.cfg.BurstSize {
			r.burst, r.burstStart = true, oldest.at
			continue
		}
		r.pending = r.pending[1:]
		ready = append(ready, []waiting{oldest})
	}
	return ready
}

// arm points the flush timer at the next decision.
func (r *runner) arm() {
	if len(r.pending) == 0 {
		r.flushT.Stop()
		return
	}
	next := r.pending[0].at.Add(r.n.cfg.BurstWindow)
	if r.burst {
		next = r.burstDeadline()
	}
	r.flushT.Reset(max(time.Until(next), 0))
}

// emit sends a decided batch, or merges it into the batch waiting behind a
// call in flight. The mode and pause are checked again here, so that
// pausing also silences what was still in the burst window.
func (r *runner) emit(batch []waiting) {
	out := make([]outcome, 0, len(batch))
	for _, w := range batch {
		if r.n.wanted(w.outcome) {
			out = append(out, w.outcome)
		}
	}
	if len(out) == 0 {
		return
	}
	if r.inflight {
		r.queued = append(r.queued, out...)
		if h := r.n.testHookQueued; h != nil {
			h(len(r.queued))
		}
		return
	}
	r.dispatch(out)
}

func (r *runner) dispatch(batch []outcome) {
	title, body := render(batch)
	r.inflight, r.timedOut = true, false
	send, done := r.n.cfg.Sender.Send, r.done
	go func() { done <- send(title, body) }()
	r.sendT.Reset(r.n.cfg.Timeout)
	r.n.cfg.Logger.Debug("desktop notification", "title", title, "outcomes", len(batch))
}

func (r *runner) finished(err error) {
	r.inflight = false
	r.sendT.Stop()
	if err != nil {
		r.n.fail(err)
	} else {
		r.n.succeeded()
	}
	if len(r.queued) == 0 {
		return
	}
	var still []outcome
	for _, o := range r.queued {
		if r.n.wanted(o) {
			still = append(still, o)
		}
	}
	r.queued = nil
	if h := r.n.testHookQueued; h != nil {
		h(0)
	}
	if len(still) > 0 {
		r.dispatch(still)
	}
}

func (r *runner) expired() {
	if !r.inflight || r.timedOut {
		return
	}
	r.timedOut = true
	r.n.fail(fmt.Errorf("%w within %s", ErrTimeout, r.n.cfg.Timeout))
}

// drain shows everything still waiting after the event stream ended and
// waits for it to go out, giving up on a call that times out.
func (r *runner) drain(ctx context.Context) {
	for _, b := range r.decide(time.Now(), true) {
		r.emit(b)
	}
	for r.inflight {
		if r.timedOut {
			return
		}
		select {
		case <-ctx.Done():
			return
		case err := <-r.done:
			r.finished(err)
		case <-r.sendT.C:
			r.expired()
		}
	}
}
