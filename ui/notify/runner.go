package notify

import (
	"context"
	"fmt"
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
	count       int       // outcomes accepted into the group
	note        *note     // the notification the group opened with
	held        []outcome // burst outcomes waiting for the summary (no Replacer)
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
}

// result is what a Send or Replace goroutine reports.
type result struct {
	id  uint32
	err error
}

// runner is the state of one Run call; only Run's goroutine touches it.
type runner struct {
	n        *Notifier
	replacer Replacer           // nil: the sender cannot replace
	seen     map[int64]struct{} // local ids already shown, suppressed or due

	cur   *group  // the open group, if any
	queue []*note // notes with outcomes due, oldest first

	inflight  *note       // the note a call is out for
	inflightN int         // how many of its outcomes that call carries
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
		nt := &note{outcomes: []outcome{o}, fixed: r.replacer == nil}
		r.cur = &group{start: now, last: now, count: 1, note: nt}
		r.enqueue(nt)
		return
	}
	g := r.cur
	g.last = now
	g.count++
	switch {
	case !g.note.fixed:
		// Shown at once by updating the group's notification in place.
		g.note.outcomes = append(g.note.outcomes, o)
		r.enqueue(g.note)
	case g.count < r.n.cfg.BurstSize && len(g.held) == 0:
		// Not a burst (yet): its own notification, at once.
		r.enqueue(&note{outcomes: []outcome{o}, fixed: true})
	default:
		g.held = append(g.held, o)
	}
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

// kick starts the next call when none is in flight. The mode and pause are
// checked again for what is not shown yet, so pausing also silences what
// was waiting behind a slow call or for a summary.
func (r *runner) kick() {
	for r.inflight == nil && len(r.queue) > 0 {
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
			if r.cur != nil && r.cur.note == q {
				r.cur.note = nt
			}
			continue
		}
		rest = append(rest, q)
	}
	r.queue = rest
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
	nt := r.inflight
	r.inflight = nil
	r.sendT.Stop()
	if res.err != nil {
		r.n.fail(res.err)
	} else {
		r.n.succeeded()
	}
	// Each outcome gets one attempt: a failed call is not retried (a later
	// update of the same notification names it again).
	nt.sent = r.inflightN
	switch {
	case res.err != nil || nt.fixed:
	case res.id != 0:
		nt.id = res.id
	default:
		// Shown, but through a path that cannot replace it (the D-Bus
		// fallback): what joined meanwhile goes the plain Sender's way.
		nt.fixed = true
		extra := append([]outcome(nil), nt.outcomes[nt.sent:]...)
		nt.outcomes = nt.outcomes[:nt.sent]
		switch {
		case len(extra) == 0:
		case r.cur != nil && r.cur.note == nt:
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

func (r *runner) expired() {
	if r.inflight == nil || r.timedOut {
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
	if r.inflight == nil && len(r.queue) == 0 {
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
	for r.inflight != nil {
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
