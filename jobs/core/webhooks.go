package core

import (
	"context"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// Webhooks is the Webhooks view's side of the core: the delivery log, its
// changes as a coalesced tick, replay, re-run and the self-test, in the
// domain's types (it satisfies ui.Deliveries; main wires it).
type Webhooks struct {
	a  *App
	ch chan struct{}
}

// Webhooks subscribes to the delivery log for the app's lifetime: each
// record written, or forward moved, ticks Changes.
func (a *App) Webhooks() *Webhooks {
	w := &Webhooks{a: a, ch: make(chan struct{}, 1)}
	a.SubscribeDeliveries(func(jobs.DeliveryRecord) {
		select {
		case w.ch <- struct{}{}:
		default: // a tick is pending: the view reads everything anyway
		}
	})
	return w
}

// List returns log records matching f, newest first, without headers and
// bodies.
func (w *Webhooks) List(ctx context.Context, f jobs.DeliveryFilter) ([]jobs.DeliveryRecord, error) {
	return w.a.Deliveries(ctx, f)
}

// Get returns one record with its headers, body and forwards.
func (w *Webhooks) Get(ctx context.Context, seq int64) (jobs.DeliveryRecord, error) {
	return w.a.Delivery(ctx, seq)
}

// Changes ticks whenever the log changed.
func (w *Webhooks) Changes() <-chan struct{} { return w.ch }

// ForwardTargets are the forward targets in force (saved and --forward):
// the view offers Replay only when there is one.
func (w *Webhooks) ForwardTargets() []string { return w.a.ForwardTargets() }

// Replay sends the record's delivery again to every forward target.
func (w *Webhooks) Replay(ctx context.Context, seq int64) error {
	_, err := w.a.Replay(ctx, seq)
	return err
}

// ReplayRange sends every delivery received in [since, until) again.
func (w *Webhooks) ReplayRange(ctx context.Context, since, until time.Time) (int, error) {
	return w.a.ReplayRange(ctx, jobs.DeliveryFilter{Since: since, Until: until})
}

// Rerun hands the record's delivery to the app again and says what came of
// it: a duplicate changes nothing, which is the point of idempotency.
func (w *Webhooks) Rerun(ctx context.Context, seq int64) (jobs.RerunOutcome, error) {
	r, err := w.a.Rerun(ctx, seq)
	if err != nil {
		return jobs.RerunOutcome{}, err
	}
	v := jobs.VerdictDuplicate
	if r.Changed {
		v = jobs.VerdictAccepted
	}
	return jobs.RerunOutcome{Verdict: v, Detail: r.Outcome}, nil
}

// SelfTest sends a signed test delivery to the app's own receiver.
func (w *Webhooks) SelfTest(ctx context.Context) ([]jobs.SelfTestStep, error) {
	return w.a.SelfTest(ctx), nil
}

// JobID returns the local id of the job with Reducto id jobID.
func (w *Webhooks) JobID(ctx context.Context, jobID string) (int64, error) {
	j, err := w.a.Engine().JobByJobID(ctx, jobID)
	return j.ID, err
}
