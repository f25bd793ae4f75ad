// Package engine submits documents to Reducto, follows every job to its end
// (webhooks and adaptive polling), records each transition in the store and
// publishes events for the UI and the notifier.
package engine

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/safefs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// Config wires an Engine.
type Config struct {
	Client            *reducto.Client
	Store             *store.Store
	Clock             clock.Clock // nil = the wall clock
	UploadConcurrency int         // 0 = 4
	// DirectWebhookURL is {public-url}/webhooks/direct/{token}: where
	// direct-mode jobs ask Reducto to POST. Empty disables direct mode.
	DirectWebhookURL string
	Logger           *slog.Logger // nil = slog.Default()
	Poll             PollPolicy
	// SyncTimeout bounds each request of a kind Reducto answers at once
	// (classify); 0 = 5 minutes.
	SyncTimeout time.Duration
}

// PollPolicy shapes adaptive polling. Zero fields take the defaults.
type PollPolicy struct {
	First     time.Duration // first sweep after a submission (default 1s)
	Interval  time.Duration // sweep cadence while polling-mode jobs change (default 2s)
	Max       time.Duration // longest gap between sweeps or checks of one job (default 15s)
	Reconcile time.Duration // background check of webhook-mode jobs (default 2m)
	// ListThreshold is how many jobs in flight make the engine poll with
	// GET /jobs pages instead of one GET /job per job (default 2: one job
	// is cheaper alone, as its GET /job also brings the result).
	ListThreshold int
	// JobRate caps GET /job requests per second (default 100; Reducto's
	// limit is 200).
	JobRate float64
}

// Engine submits documents, follows their jobs to the end and emits events.
// It is safe for concurrent use.
type Engine struct {
	id        string // this engine's name in its claims (lease.go)
	cfg       Config
	client    *reducto.Client
	store     *store.Store
	clk       clock.Clock
	log       *slog.Logger
	bus       *jobs.Bus
	uploads   *gate
	jobLimit  *limiter // GET /job
	listLimit *limiter // GET /jobs
	poller    *poller

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	pubMu sync.Mutex // orders store writes with the events they publish

	mu            sync.Mutex
	directURL     string
	inFlight      map[int64]struct{}           // local ids of jobs not final
	finishing     map[int64]struct{}           // jobs whose result is being fetched
	cancelUploads map[int64]context.CancelFunc // jobs still uploading
	expect        map[int64]safefs.Identity    // the version of the file a job must upload (SubmitRefs)
	early         map[string]time.Time         // Reducto ids whose webhook came before their id was stored, and when
	earlyTTL      time.Duration                // how long an early webhook is remembered
	// unrecorded holds the Reducto ids of submitted jobs whose id the
	// store refused to write (a full disk): every later write of the job
	// carries the id, whichever lands first.
	unrecorded map[int64]string

	out outputState // results being written beside documents (outputs.go)

	chain chainState // presets' "then" and passwords held for resubmissions (chain.go, password.go)
}

// New returns an engine; call Start to resume unfinished jobs and begin
// polling.
func New(cfg Config) *Engine {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.UploadConcurrency <= 0 {
		cfg.UploadConcurrency = 4
	}
	cfg.Poll = cfg.Poll.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{
		id:            newEngineID(),
		cfg:           cfg,
		client:        cfg.Client,
		store:         cfg.Store,
		clk:           cfg.Clock,
		log:           cfg.Logger,
		bus:           jobs.NewBus(),
		uploads:       newGate(cfg.UploadConcurrency),
		jobLimit:      newLimiter(cfg.Clock, cfg.Poll.JobRate),
		listLimit:     newLimiter(cfg.Clock, listRate),
		ctx:           ctx,
		cancel:        cancel,
		directURL:     cfg.DirectWebhookURL,
		inFlight:      make(map[int64]struct{}),
		expect:        make(map[int64]safefs.Identity),
		finishing:     make(map[int64]struct{}),
		cancelUploads: make(map[int64]context.CancelFunc),
		early:         make(map[string]time.Time),
		earlyTTL:      earlyTTL,
		unrecorded:    make(map[int64]string),
	}
	e.poller = newPoller(e)
	return e
}

// listRate caps GET /jobs requests per second; far below Reducto's edge
// limit, and a sweep needs one page per 500 jobs.
const listRate = 10

func (p PollPolicy) withDefaults() PollPolicy {
	if p.First <= 0 {
		p.First = time.Second
	}
	if p.Max <= 0 {
		p.Max = 15 * time.Second
	}
	if p.Reconcile <= 0 {
		p.Reconcile = 2 * time.Minute
	}
	if p.Interval <= 0 {
		p.Interval = min(2*time.Second, p.Max)
	}
	if p.ListThreshold <= 0 {
		p.ListThreshold = 2
	}
	if p.JobRate <= 0 {
		p.JobRate = 100
	}
	return p
}

// Start starts the poller and resumes, in the background, every job that
// is not final — submitting the queued ones, looking up interrupted
// submissions before sending them again, and polling the submitted ones
// (including those that ended while the app was closed) — so that a long
// unfinished history never delays the window. Jobs submitted from now on
// are the new run's own and are not resumed twice.
func (e *Engine) Start(ctx context.Context) error {
	newest, err := e.store.List(ctx, jobs.Query{Limit: 1})
	if err != nil {
		return fmt.Errorf("resume unfinished jobs: %w", err)
	}
	var upTo int64
	if len(newest) > 0 {
		upTo = newest[0].ID
	}
	if err := e.store.JoinEngines(ctx, e.id); err != nil {
		return fmt.Errorf("start engine: %w", err)
	}
	e.wg.Add(3)
	go func() {
		defer e.wg.Done()
		e.beat(e.ctx)
	}()
	go func() {
		defer e.wg.Done()
		e.poller.run(e.ctx)
	}()
	go func() {
		defer e.wg.Done()
		e.resume(upTo)
	}()
	return nil
}

// resume picks up the unfinished jobs with ids up to upTo.
func (e *Engine) resume(upTo int64) {
	unfinished, err := e.store.Unfinished(e.ctx)
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Error("resume unfinished jobs", "err", err)
		}
		return
	}
	n := 0
	for _, job := range unfinished {
		if job.ID > upTo {
			continue
		}
		n++
		e.markInFlight(job.ID)
		switch job.Status {
		case jobs.StatusQueued:
			e.startSubmission(job, false)
		case jobs.StatusUploading:
			// The submission may have reached Reducto before the app
			// stopped, or another engine may be sending it right now.
			e.resumeUpload(job)
		default:
			e.poller.track(job, true)
		}
	}
	if n > 0 {
		e.log.Info("resumed unfinished jobs", "count", n)
	}
	e.resumeOutputs()
	e.resumeThen()   // chain.go
	e.resumeRoutes() // route.go
	// Delivery ids only matter while Svix may still retry (about 27 h).
	if pruned, err := e.store.PruneDeliveries(e.ctx, time.Now().Add(-store.DeliveryRetention)); err != nil {
		e.log.Warn("prune webhook delivery ids", "err", err)
	} else if pruned > 0 {
		e.log.Info("pruned old webhook delivery ids", "count", pruned)
	}
}

// Close stops the engine's goroutines and waits for them; jobs in flight
// resume on the next Start.
func (e *Engine) Close() error {
	e.cancel()
	e.wg.Wait()
	// Gone: the next engine may resume what this one left uploading.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.store.LeaveEngines(ctx, e.id); err != nil {
		e.log.Warn("leave the engines table", "err", err)
	}
	return nil
}

// SetDirectWebhookURL changes where new direct-mode jobs ask Reducto to POST.
func (e *Engine) SetDirectWebhookURL(url string) {
	e.mu.Lock()
	e.directURL = url
	e.mu.Unlock()
}

// DirectWebhookURL returns the URL direct-mode jobs are sent with ("" when
// no public URL is configured).
func (e *Engine) DirectWebhookURL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.directURL
}

// SetUploadConcurrency changes how many uploads run at once.
func (e *Engine) SetUploadConcurrency(n int) { e.uploads.setLimit(n) }

// Subscribe returns a subscription to engine events. A slow subscriber
// never blocks the engine; call Close when done.
func (e *Engine) Subscribe() *jobs.Subscription { return e.bus.Subscribe() }

// List returns jobs matching q, newest first.
func (e *Engine) List(ctx context.Context, q jobs.Query) ([]jobs.Job, error) {
	return e.store.List(ctx, q)
}

// Count returns how many jobs match q.
func (e *Engine) Count(ctx context.Context, q jobs.Query) (int, error) { return e.store.Count(ctx, q) }

// Job returns the job with local id id.
func (e *Engine) Job(ctx context.Context, id int64) (jobs.Job, error) { return e.store.Get(ctx, id) }

// Result returns the stored result JSON of a completed job.
func (e *Engine) Result(ctx context.Context, id int64) ([]byte, error) {
	return e.store.Result(ctx, id)
}

// Timeline returns the recorded transitions of a job, oldest first.
func (e *Engine) Timeline(ctx context.Context, id int64) ([]jobs.Transition, error) {
	return e.store.Timeline(ctx, id)
}

// Stats returns a snapshot for health reports and the tray.
func (e *Engine) Stats() jobs.Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return jobs.Stats{InFlight: len(e.inFlight)}
}

// ConfigureWebhook returns the URL of the Svix webhook portal.
func (e *Engine) ConfigureWebhook(ctx context.Context) (string, error) {
	url, err := e.client.ConfigureWebhook(ctx)
	if err != nil {
		return "", fmt.Errorf("open webhook portal: %w", err)
	}
	return url, nil
}

func (e *Engine) markInFlight(id int64) {
	e.mu.Lock()
	e.inFlight[id] = struct{}{}
	e.mu.Unlock()
}

// update applies one transition through the store and tells subscribers
// when something changed. A job that reached a final status stops being
// followed.
func (e *Engine) update(ctx context.Context, id int64, to jobs.Status, p store.Patch) (jobs.Job, bool, error) {
	// Store and publish under one lock, so subscribers see a job's
	// snapshots in the order they were written (writes are serialised on
	// the store's single writer anyway).
	e.pubMu.Lock()
	defer e.pubMu.Unlock()
	e.mu.Lock()
	if jobID, ok := e.unrecorded[id]; ok && p.JobID == nil {
		p.JobID = &jobID
	}
	e.mu.Unlock()
	job, changed, err := e.store.Update(ctx, id, to, p)
	if err != nil {
		return job, false, fmt.Errorf("job %d -> %s: %w", id, to, err)
	}
	e.mu.Lock()
	if job.JobID != "" {
		delete(e.unrecorded, id)
	}
	if job.Status.Final() {
		delete(e.inFlight, id)
		delete(e.expect, id)
	}
	e.mu.Unlock()
	if job.Status.Final() {
		e.poller.untrack(id)
	}
	if changed {
		if job.Status.Final() {
			e.log.Info("job finished", "job", job.ID, "job_id", job.JobID, "file", job.File, "status", job.Status, "how", p.Detail, "error", job.Error)
		}
		e.bus.Publish(jobs.Event{Kind: jobs.EventChanged, Job: job, Progress: -1})
	}
	return job, changed, nil
}

// fail moves a job to failed with a reason a person can act on.
func (e *Engine) fail(id int64, reason string) {
	e.record(id, jobs.StatusFailed, store.Patch{Error: &reason, Detail: reason})
}

// record applies a transition; when the store refuses it, it is retried
// in the background (recordLater) rather than lost.
func (e *Engine) record(id int64, to jobs.Status, p store.Patch) {
	if _, _, err := e.update(e.ctx, id, to, p); err != nil && e.ctx.Err() == nil {
		mem, gerr := e.store.Get(e.ctx, id)
		if gerr != nil {
			mem = jobs.Job{ID: id}
		}
		e.recordLater(mem, to, p, err, nil)
	}
}

// claim takes a queued job for upload (queued -> uploading), exclusively:
// false when it was not queued any more (cancelled, or claimed by another
// engine on the same database, which then follows it).
func (e *Engine) claim(ctx context.Context, id int64) (jobs.Job, bool) {
	e.pubMu.Lock()
	defer e.pubMu.Unlock()
	job, ok, err := e.store.Claim(ctx, id, e.id, "uploading")
	if err != nil {
		if ctx.Err() == nil {
			e.log.Error("claim job for upload", "job", id, "err", err)
		}
		return job, false
	}
	if !ok {
		e.mu.Lock()
		delete(e.inFlight, id)
		e.mu.Unlock()
		e.log.Info("job not claimed for upload: no longer queued", "job", id, "status", job.Status)
		return job, false
	}
	e.bus.Publish(jobs.Event{Kind: jobs.EventChanged, Job: job, Progress: -1})
	return job, true
}
