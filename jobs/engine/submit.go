package engine

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/intake"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// RefKey is the async.metadata key that carries a job's client reference,
// so the engine can find its own submission again after a crash or an
// ambiguous network error instead of submitting the document twice.
const RefKey = "reducto_tray_ref"

// apiPatience is how long transient trouble at the API (5xx, resets, 429,
// timeouts) is waited out before an upload or a submission fails: an
// outage of a minute or two must delay documents, never lose them.
const apiPatience = 15 * time.Minute

// apiRetry spaces the tries while the API is in trouble; a Retry-After
// from the server is honoured on top.
var apiRetry = backoff.Default

// lookupRetry spaces the lookups of an interrupted submission once a whole
// apiPatience of tries has not reached Reducto.
var lookupRetry = backoff.Policy{Min: time.Minute, Max: 30 * time.Minute}

// progressStep is the least upload progress worth an event (bytes); smaller
// steps would flood subscribers when 500 documents upload at once.
const progressStep = 256 << 10

// Submit writes a queued row for each file before any network call, then
// uploads and submits them in the background with bounded concurrency. It
// returns the queued jobs. Files that cannot be submitted (missing, a
// folder, empty) are reported in the error and the others still go.
func (e *Engine) Submit(ctx context.Context, files []string, opts jobs.Options) ([]jobs.Job, error) {
	opts, err := e.checkOptions(opts)
	if err != nil {
		return nil, err
	}
	var problems []error
	rows := make([]jobs.Job, 0, len(files))
	for _, f := range files {
		abs, size, err := intake.CheckFile(f)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		rows = append(rows, jobs.Job{
			File: abs, Kind: opts.Kind, Status: jobs.StatusQueued, Webhook: opts.Webhook,
			ClientRef: uuid.NewString(), Options: opts, Size: size,
		})
	}
	if len(rows) == 0 {
		if len(problems) == 0 {
			return nil, errors.New("no files to submit")
		}
		return nil, errors.Join(problems...)
	}
	created, err := e.store.Create(ctx, rows)
	if err != nil {
		return nil, fmt.Errorf("record %d submissions: %w", len(rows), err)
	}
	for _, job := range created {
		e.launch(job)
	}
	return created, errors.Join(problems...)
}

// Retry submits the document of a finished job again, as a new job linked
// to the old one, with the same options.
func (e *Engine) Retry(ctx context.Context, id int64) (jobs.Job, error) {
	old, err := e.store.Get(ctx, id)
	if err != nil {
		return jobs.Job{}, fmt.Errorf("retry job %d: %w", id, err)
	}
	if !old.Status.Final() {
		return jobs.Job{}, fmt.Errorf("retry job %d: it is still %s", id, old.Status)
	}
	if _, _, err := intake.CheckFile(old.File); err != nil {
		return jobs.Job{}, fmt.Errorf("retry job %d: %w", id, err)
	}
	if _, err := e.checkOptions(old.Options); err != nil {
		return jobs.Job{}, fmt.Errorf("retry job %d: %w", id, err)
	}
	created, err := e.store.Create(ctx, []jobs.Job{{
		File: old.File, Kind: old.Kind, Status: jobs.StatusQueued, Webhook: old.Webhook,
		ClientRef: uuid.NewString(), Options: old.Options, Size: old.Size, RetryOf: old.ID,
	}})
	if err != nil {
		return jobs.Job{}, fmt.Errorf("retry job %d: %w", id, err)
	}
	job := created[0]
	e.launch(job)
	return job, nil
}

// launch starts a job just created as queued: it is followed, announced
// and uploaded in the background.
func (e *Engine) launch(job jobs.Job) {
	e.markInFlight(job.ID)
	e.bus.Publish(jobs.Event{Kind: jobs.EventAdded, Job: job, Progress: -1})
	e.startSubmission(job, false)
}

// checkOptions fills defaults and rejects what Reducto would refuse, before
// anything is written.
func (e *Engine) checkOptions(o jobs.Options) (jobs.Options, error) {
	if o.Kind == "" {
		o.Kind = jobs.KindParse
	}
	if o.Webhook == "" {
		o.Webhook = jobs.WebhookNone
	}
	if spec, ok := o.Kind.Spec(); ok && spec.NoWebhook {
		o.Webhook, o.Channels = jobs.WebhookNone, nil
	}
	if err := o.Validate(); err != nil {
		return o, err
	}
	if o.Webhook == jobs.WebhookDirect && e.DirectWebhookURL() == "" {
		return o, errors.New("direct webhooks need a public URL (--public-url or settings)")
	}
	return o, nil
}

// startSubmission uploads and submits job in the background. With
// lookupFirst it first asks Reducto whether an earlier run already
// submitted it.
func (e *Engine) startSubmission(job jobs.Job, lookupFirst bool) {
	ctx, cancel := context.WithCancel(e.ctx)
	e.mu.Lock()
	e.cancelUploads[job.ID] = cancel
	e.mu.Unlock()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer func() {
			cancel()
			e.mu.Lock()
			delete(e.cancelUploads, job.ID)
			e.mu.Unlock()
		}()
		e.submit(ctx, job, lookupFirst)
	}()
}

func (e *Engine) submit(ctx context.Context, job jobs.Job, lookupFirst bool) {
	_, sync := syncSenders[kindOf(job)]
	// A kind Reducto answers at once left nothing at Reducto to look up:
	// it simply runs again.
	if lookupFirst && !sync {
		jobID, found, err := e.lookUp(ctx, job)
		if err != nil {
			if ctx.Err() == nil {
				e.fail(job.ID, fmt.Sprintf("could not check whether %s was already submitted: %v", filepath.Base(job.File), err))
			}
			return
		}
		if found {
			e.log.Info("found interrupted submission at Reducto", "job", job.ID, "job_id", jobID)
			e.submitted(job, jobID)
			return
		}
	}

	// A lookup may wait out an outage; only the upload takes a slot.
	if err := e.uploads.acquire(ctx); err != nil {
		return // the engine is closing or the job was cancelled
	}
	defer e.uploads.release()

	if lookupFirst {
		// Already uploading when the last run stopped: this engine resumed it.
		current, err := e.store.Get(ctx, job.ID)
		if err != nil || current.Status != jobs.StatusUploading {
			return // cancelled meanwhile, or the store refused
		}
		job = current
	} else {
		claimed, ok := e.claim(ctx, job.ID)
		if !ok {
			return // cancelled meanwhile, claimed by another engine, or the store refused
		}
		job = claimed
	}
	// A chained job names a parse Reducto already has: nothing to upload.
	input := JobIDScheme + job.Options.From
	if job.Options.From == "" {
		var up reducto.Upload
		err := e.persist(ctx, job, func() error {
			var err error
			up, err = e.uploadFile(ctx, job)
			return err
		})
		if err != nil {
			if ctx.Err() == nil {
				e.fail(job.ID, fmt.Sprintf("upload failed: %v", err))
			}
			return
		}
		input = up.FileID
	}
	if ctx.Err() != nil {
		return // cancelled as the upload finished: create nothing
	}
	if sync {
		e.runSync(ctx, job, input) // sync.go
		return
	}
	// From here on the job is Reducto's: a user's cancel must not abort a
	// request that may already have created it.
	jobID, err := e.send(e.ctx, job, input)
	e.forgetPassword(job.ID) // answered either way: never kept longer
	if err != nil {
		if e.ctx.Err() == nil {
			e.fail(job.ID, submitFailure(job, err))
		}
		return
	}
	e.submitted(job, jobID)
}

// uploadProgress turns the client's byte counts into throttled events.
func (e *Engine) uploadProgress(job jobs.Job) reducto.Progress {
	var last int64 = -progressStep
	return func(sent, total int64) {
		if sent < last || sent-last >= progressStep || sent == total {
			last = sent
			e.bus.Publish(jobs.Event{Kind: jobs.EventProgress, Job: job, Sent: sent, Total: total, Progress: -1})
		}
	}
}

// send submits the uploaded document. Transient trouble is waited out for
// up to apiPatience. An ambiguous failure (the request may have created
// the job) is followed by a lookup of the client reference before any
// resend; only when Reducto has no such job is the document sent again.
func (e *Engine) send(ctx context.Context, job jobs.Job, fileID string) (string, error) {
	start := e.clk.Now()
	for attempt := 0; ; attempt++ {
		jobID, err := e.post(ctx, job, fileID)
		if err == nil {
			if attempt > 0 {
				e.note(job, "")
			}
			return jobID, nil
		}
		if !reducto.IsTransient(err) || ctx.Err() != nil || e.clk.Now().Sub(start) >= apiPatience {
			return "", err
		}
		wait := apiRetry.After(attempt, reducto.RetryAfter(err))
		e.log.Warn("submission not accepted yet; trying again", "job", job.ID, "in", wait, "err", err)
		e.waiting(job, err, wait)
		select {
		case <-e.clk.After(wait):
		case <-ctx.Done():
			return "", err
		}
		if !reducto.IsAmbiguous(err) {
			continue // refused before it could create anything
		}
		found, ok, lerr := e.lookUp(ctx, job)
		if lerr != nil {
			return "", fmt.Errorf("%w (and the lookup failed: %v)", err, lerr)
		}
		if ok {
			e.note(job, "")
			return found, nil
		}
	}
}

// post sends the one request that creates the job at Reducto; input is
// the uploaded document's reducto:// id or a chained job's jobid:// input.
// The request itself is the kind's (senders, kind_*.go).
func (e *Engine) post(ctx context.Context, job jobs.Job, input string) (string, error) {
	job.Options.Kind = kindOf(job)
	send, ok := senders[job.Options.Kind]
	if !ok {
		return "", fmt.Errorf("no sender for kind %q", job.Options.Kind)
	}
	raw, err := e.requestFields(job)
	if err != nil {
		return "", err
	}
	return send(ctx, e, job, input, raw)
}

// kindOf is the kind job runs; a row written before options carried
// their kind has it on the job.
func kindOf(job jobs.Job) jobs.Kind {
	return cmp.Or(job.Options.Kind, job.Kind, jobs.KindParse)
}

// requestFields are the raw request fields job is sent with: its
// options' (checked), and the document's password when one was given.
func (e *Engine) requestFields(job jobs.Job) (json.RawMessage, error) {
	job.Options.Kind = kindOf(job)
	raw, err := rawFields(job.Options)
	if err != nil {
		return nil, err
	}
	if pw := e.passwordOf(job.ID); pw != "" {
		if raw, err = withPassword(raw, pw); err != nil {
			return nil, err
		}
	}
	return raw, nil
}

// asyncConfig builds the V3 async object: the user's metadata with the
// client reference merged in, priority, and the webhook choice.
func (e *Engine) asyncConfig(job jobs.Job) (*reducto.AsyncConfig, error) {
	meta := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(job.Options.Metadata)) > 0 {
		if err := json.Unmarshal(job.Options.Metadata, &meta); err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
	}
	ref, _ := json.Marshal(job.ClientRef)
	meta[RefKey] = ref
	raw, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	cfg := &reducto.AsyncConfig{Metadata: raw, Priority: job.Options.Priority}
	switch job.Webhook {
	case jobs.WebhookSvix:
		cfg.Webhook = &reducto.WebhookConfig{Mode: "svix", Channels: job.Options.Channels}
	case jobs.WebhookDirect:
		url := e.DirectWebhookURL()
		if url == "" {
			return nil, errors.New("direct webhooks need a public URL (--public-url or settings)")
		}
		cfg.Webhook = &reducto.WebhookConfig{Mode: "direct", URL: url}
	}
	return cfg, nil
}

func parsingOf(p jobs.ParseOptions) *reducto.ParseOptions {
	var out reducto.ParseOptions
	if p.TableFormat != "" {
		out.Formatting = &reducto.Formatting{TableOutputFormat: p.TableFormat}
	}
	if p.ChunkMode != "" {
		out.Retrieval = &reducto.Retrieval{Chunking: &reducto.Chunking{ChunkMode: p.ChunkMode}}
	}
	if p.PageStart > 0 || p.PageEnd > 0 {
		out.Settings = &reducto.ParseSettings{PageRange: &reducto.PageRange{Start: p.PageStart, End: p.PageEnd}}
	}
	if out == (reducto.ParseOptions{}) {
		return nil
	}
	return &out
}

// lookupPatience is how long the engine keeps trying to learn whether an
// interrupted submission reached Reducto before it gives up on the job:
// Reducto forgets jobs after about 12 hours.
const lookupPatience = 12 * time.Hour

// lookUp is findByRef made patient: while Reducto cannot be asked (an
// outage, a laptop still waking up) it keeps trying with growing waits,
// since failing the job now could leave a running job nobody follows — and
// a Retry would then make the document two jobs.
func (e *Engine) lookUp(ctx context.Context, job jobs.Job) (string, bool, error) {
	for attempt := 0; ; attempt++ {
		var (
			jobID string
			found bool
		)
		err := e.persist(ctx, job, func() error {
			var err error
			jobID, found, err = e.findByRef(ctx, job)
			return err
		})
		if err == nil || ctx.Err() != nil || e.clk.Now().Sub(job.CreatedAt) > lookupPatience {
			return jobID, found, err
		}
		wait := lookupRetry.After(attempt, reducto.RetryAfter(err))
		e.log.Warn("cannot look up an interrupted submission yet; trying again", "job", job.ID, "in", wait, "err", err)
		e.waiting(job, err, wait)
		select {
		case <-e.clk.After(wait):
		case <-ctx.Done():
			return "", false, ctx.Err()
		}
	}
}

// findByRef pages through GET /jobs, newest first and 500 at a time, for a
// job whose submitted config carries job's client reference, until the
// pages are past this job's own creation (with an hour's margin for the
// server's clock): however many jobs the account ran since, the search
// reaches the ones that could be this job's.
func (e *Engine) findByRef(ctx context.Context, job jobs.Job) (string, bool, error) {
	lj, found, err := e.client.FindJob(ctx, reducto.WalkJobsParams{
		// Reducto's clock and queueing may put the job a little before
		// our own creation time: an hour of margin.
		Since:      job.CreatedAt.Add(-time.Hour),
		BeforePage: e.listLimit.wait,
	}, func(lj reducto.ListedJob) bool { return refOf(lj.AsyncMetadata()) == job.ClientRef })
	if err != nil {
		return "", false, fmt.Errorf("list jobs: %w", err)
	}
	return lj.JobID, found, nil
}

// refOf returns the client reference inside submitted metadata.
func refOf(meta json.RawMessage) string {
	var m struct {
		Ref string `json:"reducto_tray_ref"`
	}
	if len(meta) == 0 || json.Unmarshal(meta, &m) != nil {
		return ""
	}
	return m.Ref
}

// submitted records Reducto's job id and starts following the job. When
// the store refuses the write (a full disk), the job is followed from
// memory while the write is retried, so the job is never left running with
// nobody watching it.
func (e *Engine) submitted(job jobs.Job, jobID string) {
	p := store.Patch{JobID: &jobID, Detail: "submitted as " + jobID}
	updated, changed, err := e.update(e.ctx, job.ID, jobs.StatusPending, p)
	if err != nil {
		if e.ctx.Err() != nil {
			return // closing: the next start looks the reference up
		}
		mem := job
		mem.Status, mem.JobID = jobs.StatusPending, jobID
		e.mu.Lock()
		e.unrecorded[job.ID] = jobID
		e.mu.Unlock()
		e.poller.track(mem, false)
		e.recordLater(mem, jobs.StatusPending, p, err, func(updated jobs.Job, changed bool) {
			e.followSubmitted(updated, changed, jobID)
		})
		e.takeEarly(mem, jobID)
		return
	}
	e.followSubmitted(updated, changed, jobID)
}

// followSubmitted follows a job whose submission is recorded. A job the
// user cancelled while its submission was on the wire is cancelled at
// Reducto too, so nothing runs that nobody wants.
func (e *Engine) followSubmitted(updated jobs.Job, changed bool, jobID string) {
	if !changed && updated.Status.Final() {
		if updated.Status == jobs.StatusCancelled {
			if err := e.client.Cancel(e.ctx, jobID); err != nil {
				e.log.Warn("cancel job submitted after the user cancelled it", "job_id", jobID, "err", err)
			}
		}
		return
	}
	e.poller.track(updated, false)
	e.takeEarly(updated, jobID)
}

// takeEarly finishes job at once if its webhook came before its id was
// stored.
func (e *Engine) takeEarly(job jobs.Job, jobID string) {
	e.mu.Lock()
	at, early := e.early[jobID]
	delete(e.early, jobID)
	e.mu.Unlock()
	if early && e.clk.Now().Sub(at) <= e.earlyTTL {
		e.requestFinish(job.ID, jobID, "an early webhook")
	}
}

// persist runs f until it succeeds, fails for good, or transient trouble
// (rate limits, overload, network trouble that certainly created nothing)
// has lasted apiPatience. Meanwhile it waits with capped, jittered
// backoff, at least as long as the server asked, and tells subscribers
// that job is waiting for the API.
func (e *Engine) persist(ctx context.Context, job jobs.Job, f func() error) error {
	start := e.clk.Now()
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil {
			if attempt > 0 {
				e.note(job, "")
			}
			return nil
		}
		if !transient(err) || ctx.Err() != nil || e.clk.Now().Sub(start) >= apiPatience {
			return err
		}
		wait := apiRetry.After(attempt, reducto.RetryAfter(err))
		e.log.Info("transient API error, waiting", "job", job.ID, "wait", wait, "err", err)
		e.waiting(job, err, wait)
		select {
		case <-e.clk.After(wait):
		case <-ctx.Done():
			return err
		}
	}
}

// transient reports whether repeating the request is safe and may succeed.
// An ambiguous submission is not: it must be looked up first.
func transient(err error) bool {
	return reducto.IsTransient(err) && !reducto.IsAmbiguous(err)
}
