package notify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// Run consumes events until ctx ends or events is closed. When events is
// closed, outcomes still held for a summary are sent at once and Run waits
// (at most Timeout per notification) for them to go out; when ctx ends, Run
// returns immediately and held outcomes are dropped.
func (n *Notifier) Run(ctx context.Context, events <-chan jobs.Event) {
	r := newRunner(n)
	defer r.closeT.Stop()
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
			r.accept(ev, time.Now())
		case now := <-r.closeT.C:
			if r.cur != nil && !now.Before(r.cur.closesAt(r.n.cfg.BurstWindow, r.replacer == nil)) {
				r.closeGroup()
			}
		case res := <-r.done:
			r.finished(res)
		case <-r.sendT.C:
			r.expired()
		}
		r.kick()
		r.arm()
	}
}

// group is the outcomes that arrived less than BurstWindow apart, starting
// with the one that opened it.
type group struct {
	start, last time.Time
	count       int // outcomes accepted into the group
	// recent are the group's notifications of one outcome each, shown at
	// once, with when each outcome came: while fewer than BurstSize
	// outcomes fall within BurstWindow, each is its own notification.
	recent []recentNote
	burst  bool      // BurstSize outcomes came within BurstWindow
	sum    *note     // the burst's summary, updated in place (Replacer)
	held   []outcome // burst outcomes waiting for the summary (no Replacer)
}

// recentNote is a notification of one outcome and when that outcome came.
type recentNote struct {
	nt *note
	at time.Time
}

// closesAt is when the group stops taking outcomes: a quiet BurstWindow,
// or, when capped, 4×BurstWindow after it opened. Only a sender that cannot
// replace needs the cap: its burst is held until the group closes, and a
// steady stream must not hold it for ever. A replaced notification shows
// each outcome at once, so a large drop stays one summary, updated.
func (g *group) closesAt(w time.Duration, capped bool) time.Time {
	quiet, capAt := g.last.Add(w), g.start.Add(4*w)
	if capped && capAt.Before(quiet) {
		return capAt
	}
	return quiet
}

// note is one notification on screen, or about to be.
type note struct {
	id       uint32    // the server's id; 0 until shown through a Replacer
	outcomes []outcome // everything it names, in arrival order
	sent     int       // outcomes the server has been given (the rest are due)
	fixed    bool      // cannot be updated: shown through a plain Sender
	queued   bool      // in runner.queue
	// into is the summary that took over what it names: once both are on
	// screen it is taken off (Replacer.Dismiss), never updated again.
	into *note
	// closeAfter are the notifications this summary took over, taken off
	// the screen once it is on screen itself: should it go out through the
	// fallback instead, they stay, and nothing they name is lost.
	closeAfter []uint32
}

// result is what a Send, Replace or Dismiss goroutine reports.
type result struct {
	id  uint32
	err error
}

// runner is the state of one Run call; only Run's goroutine touches it.
type runner struct {
	n        *Notifier
	replacer Replacer           // nil: the sender cannot replace
	seen     map[int64]struct{} // local ids already shown, suppressed or due

	cur     *group   // the open group, if any
	queue   []*note  // notes with outcomes due, oldest first
	dismiss []uint32 // notifications to take off the screen, after the queue

	inflight  *note       // the note a call is out for
	inflightN int         // how many of its outcomes that call carries
	closing   uint32      // the notification a Dismiss call is out for
	timedOut  bool        // the call in flight was already reported as timed out
	done      chan result // the call's result; buffered so it never leaks

	closeT *time.Timer // closes cur when it holds outcomes for a summary
	sendT  *time.Timer // timeout of the call in flight
}

func newRunner(n *Notifier) *runner {
	r := &runner{
		n:      n,
		seen:   make(map[int64]struct{}),
		done:   make(chan result, 1),
		closeT: time.NewTimer(time.Hour),
		sendT:  time.NewTimer(time.Hour),
	}
	r.replacer, _ = n.cfg.Sender.(Replacer)
	r.closeT.Stop()
	r.sendT.Stop()
	return r
}

// busy reports whether a call is out.
func (r *runner) busy() bool { return r.inflight != nil || r.closing != 0 }

// accept takes one engine event that arrived at now.
func (r *runner) accept(ev jobs.Event, now time.Time) {
	if ev.Kind != jobs.EventChanged {
		return
	}
	j := ev.Job
	if j.Status != jobs.StatusCompleted && j.Status != jobs.StatusFailed {
		return
	}
	// An account job's id is its account row's, a space of its own:
	// negated, it never meets a history id.
	key := j.ID
	if ev.Account {
		key = -j.ID
	}
	if _, dup := r.seen[key]; dup {
		return
	}
	// Remembered even when suppressed: an outcome dropped during a pause or
	// in mode Off must not surface later through a duplicate event.
	r.seen[key] = struct{}{}
	o := newOutcome(j)
	o.account = ev.Account
	if !r.n.wanted(o) {
		return
	}
	if r.cur != nil && !now.Before(r.cur.closesAt(r.n.cfg.BurstWindow, r.replacer == nil)) {
		r.closeGroup()
	}
	defer r.reportQueued()
	if r.cur == nil {
		r.cur = &group{start: now}
	}
	g := r.cur
	g.last = now
	g.count++
	if !g.burst {
		// Notifications older than the window stay as they are.
		keep := g.recent[:0]
		for _, rn := range g.recent {
			if now.Sub(rn.at) < r.n.cfg.BurstWindow {
				keep = append(keep, rn)
			}
		}
		g.recent = keep
		if len(g.recent)+1 < r.n.cfg.BurstSize {
			// Not a burst (yet): its own notification, at once.
			nt := &note{outcomes: []outcome{o}, fixed: r.replacer == nil}
			g.recent = append(g.recent, recentNote{nt, now})
			r.enqueue(nt)
			return
		}
		g.burst = true
		if r.replacer != nil && !g.anyFixed() {
			r.summarise(g, o)
			return
		}
	}
	switch {
	case g.sum != nil && !g.sum.fixed:
		// Shown at once by updating the summary in place.
		g.sum.outcomes = append(g.sum.outcomes, o)
		r.enqueue(g.sum)
	default:
		g.held = append(g.held, o)
	}
}

// anyFixed reports whether a notification of the group went out through a
// path that cannot replace or close it (the D-Bus fallback): the group then
// shows its burst as a plain Sender does.
func (g *group) anyFixed() bool {
	for _, rn := range g.recent {
		if rn.nt.fixed {
			return true
		}
	}
	return false
}

// summarise turns the group's notifications into one summary naming them
// and o, at the moment the burst is recognised (design.md: a burst "becomes
// one summary"; on Linux the notification already shown is updated in
// place). The summary takes over the latest notification that is on screen
// or on its way there, so the person sees it change in place rather than a
// new one pop up; the older ones are taken off the screen with
// CloseNotification once the summary is on screen (and once they land, if
// their call is still out), and those not sent yet are never shown: one
// notification remains, naming every file of the burst. What was shown is
// named again in the summary, first, so the note's shown part stays a
// prefix of its outcomes.
func (r *runner) summarise(g *group, o outcome) {
	k := len(g.recent) - 1
	for i, rn := range g.recent {
		if rn.nt.id != 0 || rn.nt == r.inflight {
			k = i
		}
	}
	sum := g.recent[k].nt
	var before, after []outcome
	for i, rn := range g.recent {
		nt := rn.nt
		switch {
		case i == k:
			continue
		case i < k:
			before = append(before, nt.outcomes...)
		default:
			after = append(after, nt.outcomes...)
		}
		r.unqueue(nt)
		switch {
		case nt == r.inflight:
			nt.into = sum
		case nt.id != 0:
			sum.closeAfter = append(sum.closeAfter, nt.id)
		}
	}
	outs := append(append(append(before, sum.outcomes...), after...), o)
	switch {
	case sum == r.inflight:
		r.inflightN += len(before)
	case sum.sent > 0:
		sum.sent += len(before)
	}
	sum.outcomes = outs
	g.recent, g.sum = nil, sum
	r.enqueue(sum)
}

// closeGroup ends the open group; outcomes it held become one summary.
func (r *runner) closeGroup() {
	g := r.cur
	r.cur = nil
	if len(g.held) > 0 {
		r.enqueue(&note{outcomes: g.held, fixed: true})
	}
}

func (r *runner) enqueue(nt *note) {
	if nt.queued || nt == r.inflight {
		return // finished() queues it again if more became due meanwhile
	}
	nt.queued = true
	r.queue = append(r.queue, nt)
}

// unqueue takes nt out of the queue, if it is there.
func (r *runner) unqueue(nt *note) {
	if !nt.queued {
		return
	}
	nt.queued = false
	r.queue = slices.DeleteFunc(r.queue, func(q *note) bool { return q == nt })
}

// arm points the close timer at the open group's end when outcomes wait
// for it; a group whose outcomes are all shown closes lazily, on the next
// outcome.
func (r *runner) arm() {
	if r.cur == nil || len(r.cur.held) == 0 {
		r.closeT.Stop()
		return
	}
	r.closeT.Reset(max(time.Until(r.cur.closesAt(r.n.cfg.BurstWindow, r.replacer == nil)), 0))
}

// kick starts the next call when none is in flight: what is due to be
// shown first, then what is to be taken off the screen. The mode and pause
// are checked again for what is not shown yet, so pausing also silences
// what was waiting behind a slow call or for a summary.
func (r *runner) kick() {
	for !r.busy() && len(r.queue) > 0 {
		nt := r.queue[0]
		r.queue = r.queue[1:]
		nt.queued = false
		nt.outcomes = r.stillWanted(nt.outcomes, nt.sent)
		if len(nt.outcomes) == nt.sent {
			continue
		}
		if nt.sent == 0 {
			r.fold(nt)
		}
		r.dispatch(nt)
	}
	if !r.busy() && len(r.dismiss) > 0 {
		id := r.dismiss[0]
		r.dismiss = r.dismiss[1:]
		r.closing, r.timedOut = id, false
		done, dismiss := r.done, r.replacer.Dismiss
		go func() { done <- result{err: dismiss(id)} }()
		r.sendT.Reset(r.n.cfg.Timeout)
	}
}

// stillWanted drops the outcomes from index from on that may no longer be
// shown.
func (r *runner) stillWanted(list []outcome, from int) []outcome {
	keep := list[:from]
	for _, o := range list[from:] {
		if r.n.wanted(o) {
			keep = append(keep, o)
		}
	}
	return keep
}

// fold merges every other queued note that nothing was shown of into nt,
// itself new: after a slow call, a backlog becomes one notification, not a
// flood.
func (r *runner) fold(nt *note) {
	rest := r.queue[:0]
	for _, q := range r.queue {
		if q.sent == 0 && q.fixed == nt.fixed {
			nt.outcomes = append(nt.outcomes, r.stillWanted(q.outcomes, 0)...)
			r.cur.replace(q, nt)
			continue
		}
		rest = append(rest, q)
	}
	r.queue = rest
}

// replace makes the open group (if any) refer to nt where it referred to
// old, which fold merged into nt.
func (g *group) replace(old, nt *note) {
	if g == nil {
		return
	}
	if g.sum == old {
		g.sum = nt
	}
	has := slices.ContainsFunc(g.recent, func(rn recentNote) bool { return rn.nt == nt })
	for i, rn := range g.recent {
		if rn.nt == old {
			if has {
				g.recent = slices.Delete(g.recent, i, i+1)
			} else {
				g.recent[i].nt = nt
			}
			return
		}
	}
}

func (r *runner) dispatch(nt *note) {
	title, body := render(nt.outcomes)
	r.inflight, r.inflightN, r.timedOut = nt, len(nt.outcomes), false
	done := r.done
	if nt.fixed || r.replacer == nil {
		send := r.n.cfg.Sender.Send
		go func() { done <- result{err: send(title, body)} }()
	} else {
		replace, id := r.replacer.Replace, nt.id
		go func() {
			got, err := replace(id, title, body)
			done <- result{id: got, err: err}
		}()
	}
	r.sendT.Reset(r.n.cfg.Timeout)
	r.n.cfg.Logger.Debug("desktop notification", "title", title, "outcomes", len(nt.outcomes), "replaces", nt.id)
}

func (r *runner) finished(res result) {
	r.sendT.Stop()
	if res.err != nil {
		r.n.fail(res.err)
	} else {
		r.n.succeeded()
	}
	if r.closing != 0 {
		r.closing = 0
		return
	}
	nt := r.inflight
	r.inflight = nil
	// Each outcome gets one attempt: a failed call is not retried (a later
	// update of the same notification names it again).
	nt.sent = r.inflightN
	if nt.into != nil {
		// A summary names it now: off the screen it goes, once the
		// summary is there. (Shown through the fallback, id 0, it cannot
		// be taken back.)
		if res.err == nil && res.id != 0 {
			r.closeWith(nt.into, res.id)
		}
		return
	}
	switch {
	case res.err != nil || nt.fixed:
	case res.id != 0:
		nt.id = res.id
		r.dismiss = append(r.dismiss, nt.closeAfter...)
		nt.closeAfter = nil
	default:
		// Shown, but through a path that cannot replace it (the D-Bus
		// fallback): what joined meanwhile goes the plain Sender's way.
		nt.fixed = true
		extra := append([]outcome(nil), nt.outcomes[nt.sent:]...)
		nt.outcomes = nt.outcomes[:nt.sent]
		switch {
		case len(extra) == 0:
		case r.cur != nil && r.cur.sum == nt:
			r.cur.held = append(extra, r.cur.held...)
		default:
			r.enqueue(&note{outcomes: extra, fixed: true})
		}
	}
	if !nt.fixed && len(nt.outcomes) > nt.sent {
		r.enqueue(nt)
	}
	r.reportQueued()
}

// closeWith takes notification id off the screen once summary sum, which
// names what it named, is on screen.
func (r *runner) closeWith(sum *note, id uint32) {
	if sum.id != 0 {
		r.dismiss = append(r.dismiss, id)
		return
	}
	sum.closeAfter = append(sum.closeAfter, id)
}

func (r *runner) expired() {
	if !r.busy() || r.timedOut {
		return
	}
	r.timedOut = true
	r.n.fail(fmt.Errorf("%w within %s", ErrTimeout, r.n.cfg.Timeout))
}

// reportQueued tells a test how many outcomes wait behind a call in flight.
func (r *runner) reportQueued() {
	h := r.n.testHookQueued
	if h == nil {
		return
	}
	if !r.busy() && len(r.queue) == 0 {
		h(0)
		return
	}
	k := 0
	for _, nt := range r.queue {
		k += len(nt.outcomes) - nt.sent
	}
	if r.inflight != nil { // never queued while in flight (see enqueue)
		k += len(r.inflight.outcomes) - r.inflightN
	}
	if r.cur != nil {
		k += len(r.cur.held)
	}
	h(k)
}

// drain shows everything still due after the event stream ended and waits
// for it to go out, giving up on a call that times out.
func (r *runner) drain(ctx context.Context) {
	if r.cur != nil {
		r.closeGroup()
	}
	r.kick()
	for r.busy() {
		if r.timedOut {
			return
		}
		select {
		case <-ctx.Done():
			return
		case res := <-r.done:
			r.finished(res)
			r.kick()
		case <-r.sendT.C:
			r.expired()
		}
	}
}
