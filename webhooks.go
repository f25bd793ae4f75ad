package main

import (
	"context"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/core"
	"github.com/reductotray/reducto-tray/ui"
)

// deliveries adapts the core's delivery log, replay, re-run and self-test
// to the Webhooks view (ui.Deliveries).
type deliveries struct {
	a  *core.App
	ch chan struct{}
}

// newDeliveries subscribes to the log for the app's lifetime; each record
// written or forward moved ticks Changes, coalesced.
func newDeliveries(a *core.App) *deliveries {
	d := &deliveries{a: a, ch: make(chan struct{}, 1)}
	a.SubscribeDeliveries(func(jobs.DeliveryRecord) {
		select {
		case d.ch <- struct{}{}:
		default: // a tick is pending: the view reads everything anyway
		}
	})
	return d
}

func (d *deliveries) List(ctx context.Context, f jobs.DeliveryFilter) ([]jobs.DeliveryRecord, error) {
	return d.a.Deliveries(ctx, f)
}

func (d *deliveries) Get(ctx context.Context, seq int64) (jobs.DeliveryRecord, error) {
	return d.a.Delivery(ctx, seq)
}

func (d *deliveries) Changes() <-chan struct{} { return d.ch }

func (d *deliveries) Replay(ctx context.Context, seq int64) error {
	_, err := d.a.Replay(ctx, seq)
	return err
}

func (d *deliveries) Rerun(ctx context.Context, seq int64) (ui.RerunOutcome, error) {
	r, err := d.a.Rerun(ctx, seq)
	if err != nil {
		return ui.RerunOutcome{}, err
	}
	v := jobs.VerdictDuplicate
	if r.Changed {
		v = jobs.VerdictAccepted
	}
	return ui.RerunOutcome{Verdict: v, Detail: r.Outcome}, nil
}

func (d *deliveries) SelfTest(ctx context.Context) ([]ui.SelfTestStep, error) {
	var out []ui.SelfTestStep
	for _, s := range d.a.SelfTest(ctx) {
		out = append(out, ui.SelfTestStep{Name: s.Name, OK: s.OK, Detail: s.Detail})
	}
	return out, nil
}

func (d *deliveries) JobID(ctx context.Context, jobID string) (int64, error) {
	j, err := d.a.Engine().JobByJobID(ctx, jobID)
	return j.ID, err
}

func (d *deliveries) ReplayRange(ctx context.Context, since, until time.Time) (int, error) {
	return d.a.ReplayRange(ctx, jobs.DeliveryFilter{Since: since, Until: until})
}
