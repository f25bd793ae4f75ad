package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// ErrUnknownJob is returned by HandleWebhook for a delivery about a job this
// install never submitted.
var ErrUnknownJob = errors.New("unknown job")

// Config wires an Engine.
type Config struct {
	Client            *reducto.Client
	Store             *Store
	Clock             clock.Clock // nil = the wall clock
	UploadConcurrency int         // 0 = 4
	// DirectWebhookURL is {public-url}/webhooks/direct/{token}: where
	// direct-mode jobs ask Reducto to POST. Empty disables direct mode.
	DirectWebhookURL string
	Logger           *slog.Logger // nil = slog.Default()
	Poll             PollPolicy
}

// PollPolicy shapes adaptive polling. Zero fields take the defaults.
type PollPolicy struct {
	First     time.Duration // first check after submission (default 1s)
	Max       time.Duration // longest gap between checks of one job (default 15s)
	Reconcile time.Duration // background check of webhook-mode jobs (default 2m)
	// ListThreshold is how many jobs in flight make the engine poll with
	// GET /jobs pages instead of one GET /job per job (default 8).
	ListThreshold int
	// JobRate caps GET /job requests per second (default 100; Reducto's
	// limit is 200).
	JobRate float64
}

// EventKind tells what an Event reports.
type EventKind int

// The kinds of engine events.
const (
	EventAdded    EventKind = iota + 1 // a job was created (queued)
	EventChanged                       // a job's status or fields changed
	EventProgress                      // upload bytes or running progress moved
)

// Event is what subscribers (UI, notifier) receive.
type Event struct {
	Kind EventKind
	Job  Job
	// Upload progress (EventProgress while uploading).
	Sent, Total int64
	// Progress of a running job in [0,1], or -1 when unknown.
	Progress float64
}

// Stats is a snapshot of the engine for /healthz and the tray.
type Stats struct {
	InFlight int // jobs not final
}

// Engine submits documents, follows their jobs to the end and emits events.
type Engine struct {
	cfg Config
}

// New returns an engine; call Start to resume unfinished jobs.
func New(cfg Config) *Engine { return &Engine{cfg: cfg} }

// Start resumes every job that is not final and starts the pollers.
func (e *Engine) Start(ctx context.Context) error { return errors.New("not implemented") }

// Close stops the engine's goroutines; jobs in flight resume on the next Start.
func (e *Engine) Close() error { return nil }

// Submit writes a queued row for each file before any network call, then
// uploads and submits them in the background. It returns the queued jobs.
func (e *Engine) Submit(ctx context.Context, files []string, opts Options) ([]Job, error) {
	return nil, errors.New("not implemented")
}

// HandleWebhook is the one idempotent entry for verified webhook deliveries.
func (e *Engine) HandleWebhook(ctx context.Context, d Delivery) error {
	return errors.New("not implemented")
}

// Cancel asks Reducto to cancel the job with local id id.
func (e *Engine) Cancel(ctx context.Context, id int64) error { return errors.New("not implemented") }

// Retry submits the document of job id again as a new job linked to it.
func (e *Engine) Retry(ctx context.Context, id int64) (Job, error) {
	return Job{}, errors.New("not implemented")
}

// Subscribe returns a subscription to engine events. A slow subscriber
// never blocks the engine.
func (e *Engine) Subscribe() *Subscription { return nil }

// Subscription delivers events in order; progress events may be coalesced.
type Subscription struct{ c chan Event }

// C is the channel events arrive on; it closes after Close.
func (s *Subscription) C() <-chan Event { return s.c }

// Close ends the subscription.
func (s *Subscription) Close() {}

// List returns jobs matching q, newest first.
func (e *Engine) List(ctx context.Context, q Query) ([]Job, error) { return e.cfg.Store.List(ctx, q) }

// Count returns how many jobs match q.
func (e *Engine) Count(ctx context.Context, q Query) (int, error) { return e.cfg.Store.Count(ctx, q) }

// Job returns the job with local id id.
func (e *Engine) Job(ctx context.Context, id int64) (Job, error) { return e.cfg.Store.Get(ctx, id) }

// Result returns the stored result JSON of a completed job.
func (e *Engine) Result(ctx context.Context, id int64) ([]byte, error) {
	return e.cfg.Store.Result(ctx, id)
}

// Timeline returns the recorded transitions of a job, oldest first.
func (e *Engine) Timeline(ctx context.Context, id int64) ([]Transition, error) {
	return e.cfg.Store.Timeline(ctx, id)
}

// Stats returns a snapshot for health reports and the tray.
func (e *Engine) Stats() Stats { return Stats{} }

// ConfigureWebhook returns the URL of the Svix webhook portal.
func (e *Engine) ConfigureWebhook(ctx context.Context) (string, error) {
	return e.cfg.Client.ConfigureWebhook(ctx)
}
