// Package account follows the jobs on the Reducto account that this install
// did not submit (account monitoring, an opt-in setting): it records them
// from Svix deliveries for the account (the ones the engine answers
// jobs.ErrUnknownJob for) and from the GET /jobs listing on a slow, paced
// cadence, catches up what was missed while the app was closed or the
// computer slept, and publishes their changes as events marked Account. It
// also keeps the monthly credit budget (budget.go). They live in the
// store's own account table and never in the history.
package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// Defaults of Config.
const (
	DefaultInterval = 5 * time.Minute  // a listing pass while the app runs
	DefaultPace     = 2 * time.Second  // between two GET /jobs pages of one pass
	DefaultLookback = 12 * time.Hour   // Reducto keeps jobs about 12 hours
	defaultTick     = 30 * time.Second // how often the clock is checked for a jump
	catchUpMargin   = 10 * time.Minute // clock skew and jobs listed late
	detailQueue     = 256              // final jobs waiting for their details
	stateCaughtUp   = "account_caught_up"
)

// Config wires a Monitor.
type Config struct {
	Client *reducto.Client
	Store  *store.Store
	Logger *slog.Logger // nil = slog.Default()
	// Interval is the cadence of listing passes; Pace the gap between two
	// pages of one pass (both slow on purpose: this shares the account's
	// rate limit with the engine and every other client). Lookback bounds
	// the first catch-up. Tick is how often the wall clock is compared
	// with the monotonic one to notice a sleep. Zero values take defaults.
	Interval, Pace, Lookback, Tick time.Duration
}

// Monitor records account jobs. Its methods are safe for concurrent use.
type Monitor struct {
	cfg    Config
	log    *slog.Logger
	bus    *jobs.Bus
	wake   chan struct{}
	detail chan string

	mu      sync.Mutex
	enabled bool
	walking sync.Mutex // one listing pass at a time
}

// New returns a monitor, off until SetEnabled(true).
func New(cfg Config) *Monitor {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Pace <= 0 {
		cfg.Pace = DefaultPace
	}
	if cfg.Lookback <= 0 {
		cfg.Lookback = DefaultLookback
	}
	if cfg.Tick <= 0 {
		cfg.Tick = defaultTick
	}
	return &Monitor{cfg: cfg, log: cfg.Logger, bus: jobs.NewBus(), wake: make(chan struct{}, 1), detail: make(chan string, detailQueue)}
}

// Subscribe returns the account jobs' events (Event.Account set): the
// Account view and the notifier listen here, never on the engine's bus.
func (m *Monitor) Subscribe() *jobs.Subscription { return m.bus.Subscribe() }

// Enabled reports whether monitoring is on.
func (m *Monitor) Enabled() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.enabled
}

// SetEnabled turns monitoring on or off (the setting "Monitor every job on
// this account", live). Turning it on catches up at once.
func (m *Monitor) SetEnabled(on bool) {
	m.mu.Lock()
	was := m.enabled
	m.enabled = on
	m.mu.Unlock()
	if on && !was {
		m.Wake()
	}
}

// Wake asks for a catch-up pass now (start, a wake from sleep, the
// setting turned on). Passes asked for while one runs fold into one.
func (m *Monitor) Wake() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Jobs lists the recorded account jobs, newest first.
func (m *Monitor) Jobs(ctx context.Context, limit int) ([]jobs.AccountJob, error) {
	return m.cfg.Store.AccountJobs(ctx, store.AccountQuery{Limit: limit})
}

// HandleDelivery records a verified delivery about a job the engine does
// not know (it answered jobs.ErrUnknownJob). With monitoring off, or for a
// job that is this install's after all, it returns jobs.ErrUnknownJob as
// the engine did.
func (m *Monitor) HandleDelivery(ctx context.Context, d jobs.Delivery) error {
	if !m.Enabled() || d.JobID == "" {
		return jobs.ErrUnknownJob
	}
	if mine, err := m.cfg.Store.IsLocalJob(ctx, d.JobID, refOf(d.Metadata)); err != nil {
		return fmt.Errorf("account delivery %s: %w", d.JobID, err)
	} else if mine {
		return jobs.ErrUnknownJob
	}
	seen := jobs.AccountJob{JobID: d.JobID, Status: statusOf(d.Status), Metadata: d.Metadata,
		Webhook: d.Source, SeenVia: string(d.Source)}
	a, err := m.record(ctx, seen, jobs.EventChanged)
	if err != nil {
		return err
	}
	if a.Status.Final() && (a.Kind == "" || a.Credits == nil) {
		// A webhook says only the status: its kind, document, channels
		// and usage come from one GET /job, off the receiver's path. A
		// full queue is dropped: the next listing pass fills the gap.
		select {
		case m.detail <- d.JobID:
		default:
		}
	}
	return nil
}

// record writes seen and publishes the change, if any, as kind.
func (m *Monitor) record(ctx context.Context, seen jobs.AccountJob, kind jobs.EventKind) (jobs.AccountJob, error) {
	a, changed, err := m.cfg.Store.UpsertAccountJob(ctx, seen)
	if err != nil {
		return a, err
	}
	if changed {
		m.bus.Publish(jobs.Event{Kind: kind, Job: a.AsJob(), Account: true})
	}
	return a, nil
}

// Run follows the account until ctx ends: a catch-up at start and
// whenever woken (Wake, a jump of the wall clock after a sleep), a listing
// pass every Interval, and the details of jobs that webhooks announced.
// It does nothing while monitoring is off.
func (m *Monitor) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m.details(ctx)
	}()
	defer wg.Wait()
	tick := time.NewTicker(m.cfg.Tick)
	defer tick.Stop()
	last := time.Now()
	lastPass := time.Time{}
	pass := func(why string) {
		if !m.Enabled() {
			return
		}
		if err := m.CatchUp(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn("account catch-up", "why", why, "err", err)
		}
		lastPass = time.Now()
	}
	// No pass of its own at start: SetEnabled(true) (the core calls it
	// with the saved setting) has already asked for one.
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
			pass("asked")
		case now := <-tick.C:
			slept := Slept(last, now, m.cfg.Tick)
			last = now
			switch {
			case slept:
				m.log.Info("the computer slept: catching up the account's jobs")
				pass("wake")
			case now.Sub(lastPass) >= m.cfg.Interval:
				pass("interval")
			}
		}
	}
}

// Slept reports whether the time between two ticks (prev, now from
// time.Now, so with monotonic readings) shows a sleep: on a suspended
// machine the monotonic clock stops while the wall clock runs on, and a
// tick that comes far later than its period means the process was frozen.
func Slept(prev, now time.Time, tick time.Duration) bool {
	wall := now.Round(0).Sub(prev.Round(0))
	mono := now.Sub(prev)
	return wall-mono > time.Minute || wall > 3*tick+time.Minute
}

// CatchUp lists the account's jobs back to the last pass (at most
// Lookback) and records those that are not this install's. Pages are
// paced (Pace apart) and the client honours any Retry-After, so a pass
// never earns a 429.
func (m *Monitor) CatchUp(ctx context.Context) error {
	m.walking.Lock()
	defer m.walking.Unlock()
	start := time.Now()
	since := start.Add(-m.cfg.Lookback)
	last, err := m.cfg.Store.State(ctx, stateCaughtUp)
	if err != nil {
		return err
	}
	// The very first pass only sets the baseline: its jobs appear in the
	// view (EventAdded) but are not notified, since they are hours old.
	kind := jobs.EventAdded
	if t, err := time.Parse(time.RFC3339Nano, last); err == nil {
		kind = jobs.EventChanged
		if t = t.Add(-catchUpMargin); t.After(since) {
			since = t
		}
	}
	first := true
	n := 0
	err = m.cfg.Client.WalkJobs(ctx, reducto.WalkJobsParams{
		Since: since,
		BeforePage: func(ctx context.Context) error {
			if first {
				first = false
				return nil
			}
			return sleep(ctx, m.cfg.Pace)
		},
	}, func(page []reducto.ListedJob) error {
		for _, lj := range page {
			if !m.Enabled() {
				return reducto.ErrStopWalk
			}
			if lj.CreatedAt != nil && lj.CreatedAt.Before(since) {
				continue
			}
			rec, err := m.listed(ctx, lj, kind)
			if err != nil {
				return err
			}
			if rec {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list the account's jobs: %w", err)
	}
	if n > 0 {
		m.log.Info("account jobs recorded from the listing", "count", n, "since", since.Format(time.RFC3339))
	}
	return m.cfg.Store.SetState(ctx, stateCaughtUp, start.UTC().Format(time.RFC3339Nano))
}

// listed records one listed job unless it is this install's, and reports
// whether it wrote.
func (m *Monitor) listed(ctx context.Context, lj reducto.ListedJob, kind jobs.EventKind) (bool, error) {
	seen := fromConfig(lj.RawConfig)
	seen.JobID, seen.Status, seen.SeenVia = lj.JobID, statusOf(lj.Status), "list"
	seen.Kind = kindOf(lj.Type)
	if lj.CreatedAt != nil {
		seen.CreatedAt = *lj.CreatedAt
	}
	if lj.NumPages != nil {
		seen.Pages = *lj.NumPages
	}
	// Cheap reads first: most listed jobs are ours, or known and unchanged.
	if mine, err := m.cfg.Store.IsLocalJob(ctx, lj.JobID, refOf(seen.Metadata)); err != nil || mine {
		return false, err
	}
	if cur, err := m.cfg.Store.AccountJob(ctx, lj.JobID); err == nil &&
		cur.Status.Rank() >= seen.Status.Rank() && (seen.Pages == 0 || cur.Pages == seen.Pages) && cur.Kind != "" {
		return false, nil
	} else if err != nil && !errors.Is(err, jobs.ErrNotFound) {
		return false, err
	}
	_, err := m.record(ctx, seen, kind)
	return err == nil, err
}

// details fetches GET /job once for final jobs a webhook announced, one at
// a time and Pace apart.
func (m *Monitor) details(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-m.detail:
			j, err := m.cfg.Client.GetJob(ctx, id)
			if err != nil {
				if ctx.Err() == nil {
					m.log.Warn("account job details", "job_id", id, "err", err)
				}
			} else if _, err := m.record(ctx, fromJob(id, j), jobs.EventChanged); err != nil && ctx.Err() == nil {
				m.log.Warn("record account job details", "job_id", id, "err", err)
			}
			if sleep(ctx, m.cfg.Pace) != nil {
				return
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
