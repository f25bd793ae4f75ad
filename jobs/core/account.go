package core

import (
	"context"
	"errors"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/account"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// Announcer is a Notifier that can also show a message of the app's own
// (the monthly budget); ui/notify is one.
type Announcer interface {
	Announce(title, body string) error
}

// accountSink is the receiver's sink: the engine first, and a delivery it
// does not know (jobs.ErrUnknownJob) goes to the account monitor, which
// records it when monitoring is on and answers unknown otherwise.
type accountSink struct{ a *App }

// HandleWebhook implements receiver.Sink.
func (s accountSink) HandleWebhook(ctx context.Context, d jobs.Delivery) error {
	err := s.a.engine.HandleWebhook(ctx, d)
	if errors.Is(err, jobs.ErrUnknownJob) && s.a.account != nil {
		return s.a.account.HandleDelivery(ctx, d)
	}
	return err
}

// startAccount builds the account monitor and the budget (the store and
// the client exist) and runs them until the core closes.
func (a *App) startAccount(eff settings.Effective) {
	a.account = account.New(account.Config{Client: a.client, Store: a.store, Logger: a.log.With("component", "account")})
	a.budget = &account.Budget{
		Store: a.store,
		Limit: func() float64 { return a.settings.Effective().MonthlyBudget },
		Announce: func(title, body string) error {
			if an, ok := a.cfg.Notifier.(Announcer); ok {
				return an.Announce(title, body)
			}
			a.log.Info(title, "detail", body)
			return nil
		},
	}
	a.account.SetEnabled(eff.MonitorAccount)
	// The budget is checked whenever a job of either kind ends.
	local, remote := a.engine.Subscribe(), a.account.Subscribe()
	a.wg.Add(2)
	go func() {
		defer a.wg.Done()
		a.account.Run(a.ctx)
	}()
	go func() {
		defer a.wg.Done()
		defer local.Close()
		defer remote.Close()
		a.checkBudget()
		for {
			var ev jobs.Event
			select {
			case <-a.ctx.Done():
				return
			case ev = <-local.C():
			case ev = <-remote.C():
			}
			if ev.Kind == jobs.EventChanged && ev.Job.Status.Final() {
				a.checkBudget()
			}
		}
	}()
}

func (a *App) checkBudget() {
	if _, err := a.budget.Check(a.ctx); err != nil && a.ctx.Err() == nil {
		a.log.Warn("monthly budget", "err", err)
	}
}

// notifyEvents merges the engine's events and the account's into the one
// stream the notifier reads (account events carry Event.Account, so its
// own rules apply to them). The stream ends when the engine's does.
func (a *App) notifyEvents(engineEvents <-chan jobs.Event) <-chan jobs.Event {
	remote := a.account.Subscribe()
	out := make(chan jobs.Event)
	go func() {
		defer close(out)
		defer remote.Close()
		for {
			var ev jobs.Event
			var ok bool
			select {
			case ev, ok = <-engineEvents:
				if !ok {
					return
				}
			case ev = <-remote.C():
			}
			select {
			case out <- ev:
			case <-a.ctx.Done():
				return
			}
		}
	}()
	return out
}

// AccountMonitoring reports whether account monitoring is on.
func (a *App) AccountMonitoring() bool { return a.account != nil && a.account.Enabled() }

// AccountJobs lists the account's jobs this install did not submit,
// newest first.
func (a *App) AccountJobs(ctx context.Context, limit int) ([]jobs.AccountJob, error) {
	return a.store.AccountJobs(ctx, store.AccountQuery{Limit: limit})
}

// SubscribeAccount returns the account jobs' events.
func (a *App) SubscribeAccount() *jobs.Subscription { return a.account.Subscribe() }

// Usage sums pages and credits per local day in [from, to).
func (a *App) Usage(ctx context.Context, from, to time.Time) (jobs.Usage, error) {
	return a.store.Usage(ctx, from, to, time.Local)
}

// MonthlyBudget is the monthly credit budget in force (0: none).
func (a *App) MonthlyBudget() float64 { return a.settings.Effective().MonthlyBudget }

// pruneAccountJobs drops the account jobs older than the retention the
// settings keep (default 90 days); what they used stays in the usage.
func (a *App) pruneAccountJobs(ctx context.Context) {
	keep := a.settings.Settings().AccountRetention()
	n, err := a.store.PruneAccountJobs(ctx, time.Now().Add(-keep))
	switch {
	case err != nil && ctx.Err() == nil:
		a.log.Warn("prune account jobs", "err", err)
	case n > 0:
		a.log.Info("pruned account jobs past their retention", "count", n, "days", int(keep/(24*time.Hour)))
	}
}
