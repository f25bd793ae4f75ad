package core

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/jobs/store"
	"github.com/reductotray/reducto-tray/receiver/forward"
)

// deliveryHub is the core's side of the delivery log and forwarding: the
// forward targets in force (saved ones plus this run's --forward), the
// forwarder, and the subscribers the Webhooks view listens with.
type deliveryHub struct {
	store *store.Store
	fwd   *forward.Forwarder

	mu      sync.Mutex
	run     []string // --forward
	targets []string // saved + run, no repeats
	nextSub int
	subs    map[int]func(jobs.DeliveryRecord)
}

// startDeliveries starts the forwarder on the saved targets plus this
// run's --forward ones; what the queue holds from an earlier run is sent
// first.
func (a *App) startDeliveries(eff settings.Effective) {
	h := &deliveryHub{store: a.store, run: a.cfg.Flags.Forward, subs: map[int]func(jobs.DeliveryRecord){}}
	h.fwd = forward.New(forward.Config{
		Store:    forwardStore{a.store},
		Secret:   a.secret,
		Logger:   a.log.With("component", "forward"),
		OnChange: func(it forward.Item, _ forward.Outcome) { h.changed(it.Entry) },
	})
	a.deliveries = h
	a.applyForward(eff)
}

// applyForward puts the saved targets in force (settings saved live).
func (a *App) applyForward(eff settings.Effective) {
	h := a.deliveries
	if h == nil {
		return
	}
	h.mu.Lock()
	var all []string
	for _, u := range slices.Concat(eff.ForwardTargets, h.run) {
		if !slices.Contains(all, u) {
			all = append(all, u)
		}
	}
	h.targets = all
	h.mu.Unlock()
	// A removed target's queue is given up, so its records can be pruned.
	if n, err := h.store.DropForwardsExcept(a.ctx, all); err != nil {
		a.log.Warn("forward targets", "err", err)
	} else if n > 0 {
		a.log.Info("forwards to removed targets given up", "count", n)
	}
	h.fwd.SetTargets(all)
}

func (a *App) stopDeliveries() {
	if a.deliveries != nil {
		a.deliveries.fwd.Close()
	}
}

// forwardTargets is the receiver's Config.ForwardTargets.
func (h *deliveryHub) forwardTargets() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.targets)
}

// recorded is the receiver's Config.OnRecorded: it wakes the forwarder
// and tells the subscribers. It runs on the log writer's goroutine.
func (h *deliveryHub) recorded(recs []jobs.DeliveryRecord) {
	for _, r := range recs {
		if len(r.Forwards) > 0 {
			h.fwd.Wake()
			break
		}
	}
	h.mu.Lock()
	subs := make([]func(jobs.DeliveryRecord), 0, len(h.subs))
	for _, fn := range h.subs {
		subs = append(subs, fn)
	}
	h.mu.Unlock()
	for _, r := range recs {
		r.Headers, r.Body = nil, nil // as in a listing: Delivery has them
		for _, fn := range subs {
			fn(r)
		}
	}
}

// changed tells the subscribers that a record's forwards moved.
func (h *deliveryHub) changed(seq int64) {
	h.mu.Lock()
	n := len(h.subs)
	h.mu.Unlock()
	if n == 0 {
		return
	}
	r, err := h.store.GetDeliveryLog(context.Background(), seq)
	if err != nil {
		return // pruned meanwhile
	}
	h.recorded([]jobs.DeliveryRecord{r})
}

// forwardStore adapts the store to forward.Store.
type forwardStore struct{ st *store.Store }

func (f forwardStore) Next(ctx context.Context, url string) (forward.Item, bool, error) {
	p, ok, err := f.st.NextForward(ctx, url)
	if err != nil || !ok {
		return forward.Item{}, ok, err
	}
	return forward.Item{Seq: p.Seq, Entry: p.Entry, ID: p.ID, Via: p.Via, URL: p.URL, Attempts: p.Attempts,
		Refusals: p.Refusals, NextTry: p.NextTry,
		Headers: p.Headers, Body: p.Body}, true, nil
}

func (f forwardStore) Update(ctx context.Context, seq int64, o forward.Outcome) error {
	return f.st.UpdateForward(ctx, seq, store.ForwardUpdate{State: o.State, Code: o.Code, Attempts: o.Attempts,
		Refusals: o.Refusals, NextTry: o.NextTry, Error: o.Error})
}

// Deliveries lists the delivery log, newest first, without headers and
// bodies (Delivery has them). The Webhooks view's list.
func (a *App) Deliveries(ctx context.Context, f jobs.DeliveryFilter) ([]jobs.DeliveryRecord, error) {
	return a.store.ListDeliveryLog(ctx, f)
}

// Delivery returns one logged delivery with its headers, body and
// forwards; jobs.ErrNotFound once pruned.
func (a *App) Delivery(ctx context.Context, seq int64) (jobs.DeliveryRecord, error) {
	return a.store.GetDeliveryLog(ctx, seq)
}

// SubscribeDeliveries calls fn with every record as it is written and
// again whenever its forwards change (same Seq, without headers and
// body). fn runs on a background goroutine and must not block (a UI hands
// it to its main goroutine). The returned func unsubscribes.
func (a *App) SubscribeDeliveries(fn func(jobs.DeliveryRecord)) (cancel func()) {
	h := a.deliveries
	h.mu.Lock()
	id := h.nextSub
	h.nextSub++
	h.subs[id] = fn
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		delete(h.subs, id)
		h.mu.Unlock()
	}
}

// ForwardTargets are the targets in force: the saved ones, then this
// run's --forward ones.
func (a *App) ForwardTargets() []string { return a.deliveries.forwardTargets() }

// Replay sends the logged deliveries seqs again to every forward target
// in force, after what each target's queue already holds. Only deliveries
// whose body was kept (accepted and duplicate ones) can be replayed; it
// returns how many forwards were queued.
func (a *App) Replay(ctx context.Context, seqs ...int64) (int, error) {
	targets := a.ForwardTargets()
	if len(targets) == 0 {
		return 0, fmt.Errorf("replay: no forward targets (add one in Settings or run with --forward URL)")
	}
	n, err := a.store.QueueForwards(ctx, seqs, targets)
	if err != nil {
		return 0, fmt.Errorf("replay: %w", err)
	}
	a.deliveries.fwd.Wake()
	for _, s := range seqs {
		a.deliveries.changed(s)
	}
	return n, nil
}

// ReplayRange replays every accepted or duplicate delivery received in
// [since, until) (until zero: up to now), oldest first.
func (a *App) ReplayRange(ctx context.Context, f jobs.DeliveryFilter) (int, error) {
	seqs, err := a.store.ForwardableIn(ctx, f.Since, f.Until)
	if err != nil {
		return 0, fmt.Errorf("replay: %w", err)
	}
	if len(seqs) == 0 {
		return 0, nil
	}
	return a.Replay(ctx, seqs...)
}
