package notify

import (
	"fmt"
	"time"
)

// Mode says which outcomes become notifications.
type Mode int

// The notification modes the settings and the tray offer.
const (
	All          Mode = iota // completed and failed jobs
	FailuresOnly             // failed jobs only
	Off                      // nothing
)

// String returns the name settings store: "all", "failures" or "off".
func (m Mode) String() string {
	switch m {
	case All:
		return "all"
	case FailuresOnly:
		return "failures"
	case Off:
		return "off"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode reads a name written by Mode.String.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "all", "":
		return All, nil
	case "failures":
		return FailuresOnly, nil
	case "off":
		return Off, nil
	}
	return All, fmt.Errorf("notification mode %q: want all, failures or off", s)
}

// SetMode changes which outcomes are shown from now on, including those
// still waiting in the burst window.
func (n *Notifier) SetMode(m Mode) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.mode = m
}

// SetAccountMode sets the rule for the account's jobs that this install
// did not submit (account monitoring); they follow it instead of SetMode's.
func (n *Notifier) SetAccountMode(m Mode) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.accountMode = m
}

// Announce shows a message of the app's own (the monthly budget) at once,
// outside the per-job rules: the caller makes sure it is shown once.
func (n *Notifier) Announce(title, body string) error {
	if err := n.cfg.Sender.Send(title, markup.Replace(body)); err != nil {
		return fmt.Errorf("announce %q: %w", title, err)
	}
	return nil
}

// Mode returns the current mode.
func (n *Notifier) Mode() Mode {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.mode
}

// PauseUntil silences notifications until t (by Config.Now). Outcomes that
// arrive meanwhile are dropped for good, not shown when the pause ends:
// after a pause the user looks at the history, not at a pile of toasts.
func (n *Notifier) PauseUntil(t time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pausedUntil = t
}

// Resume ends a pause now.
func (n *Notifier) Resume() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pausedUntil = time.Time{}
}

// Paused reports whether notifications are paused and until when.
func (n *Notifier) Paused() (bool, time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pausedLocked() {
		return true, n.pausedUntil
	}
	return false, time.Time{}
}

func (n *Notifier) pausedLocked() bool {
	return !n.pausedUntil.IsZero() && n.cfg.Now().Before(n.pausedUntil)
}

// wanted reports whether o may be shown now, given the mode and any pause.
func (n *Notifier) wanted(o outcome) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pausedLocked() {
		return false
	}
	mode := n.mode
	if o.account {
		mode = n.accountMode
	}
	switch mode {
	case Off:
		return false
	case FailuresOnly:
		return o.failed
	}
	return true
}
