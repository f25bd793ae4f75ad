package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// RefKey is the async.metadata key that carries a job's client reference,
// so the engine can find its own submission again after a crash or an
// ambiguous network error instead of submitting the document twice.
const RefKey = "reducto_tray_ref"

// submitAttempts bounds how often one document is sent after ambiguous
// failures that a lookup showed did not create a job.
const submitAttempts = 3

// lookupPages bounds how far back GET /jobs is searched for a reference.
const lookupPages = 20

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
		abs, size, err := checkFile(f)
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
		e.markInFlight(job.ID)
		e.bus.Publish(jobs.Event{Kind: jobs.EventAdded, Job: job, Progress: -1})
		e.startSubmission(job, false)
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
	if _, _, err := checkFile(old.File); err != nil {
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
	e.markInFlight(job.ID)
	e.bus.Publish(jobs.Event{Kind: jobs.EventAdded, Job: job, Progress: -1})
	e.startSubmission(job, false)
	return job, nil
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
	if !o.Kind.Valid() {
		return o, fmt.Errorf("unknown kind %q (want parse, extract or split)", o.Kind)
	}
	if !o.Webhook.Valid() {
		return o, fmt.Errorf("unknown webhook mode %q (want none, svix or direct)", o.Webhook)
	}
	if o.Webhook == jobs.WebhookDirect && e.DirectWebhookURL() == "" {
		return o, errors.New("direct webhooks need a public URL (--public-url or settings)")
	}
	if len(bytes.TrimSpace(o.Metadata)) > 0 && !isJSONObject(o.Metadata) {
		return o, errors.New("metadata must be a JSON object")
	}
	switch o.Kind {
	case jobs.KindExtract:
		if !isJSONObject(o.Extract.Schema) {
			return o, errors.New("extract needs a JSON schema object")
		}
	case jobs.KindSplit:
		if len(o.Split.Descriptions) == 0 {
			return o, errors.New("split needs at least one split description")
		}
	}
	if o.Parse.PageEnd > 0 && o.Parse.PageStart > o.Parse.PageEnd {
		return o, fmt.Errorf("page range %d-%d is backwards", o.Parse.PageStart, o.Parse.PageEnd)
	}
	return o, nil
}

func isJSONObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && m != nil
}

// checkFile returns the absolute path and size of a document that can be
// uploaded, or says why it cannot.
func checkFile(path string) (string, int64, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", abs, err)
	}
	if info.IsDir() {
		return "", 0, fmt.Errorf("%s is a folder, not a document", abs)
	}
	if !info.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s is not a regular file", abs)
	}
	if info.Size() == 0 {
		return "", 0, fmt.Errorf("%s is empty", abs)
	}
	return abs, info.Size(), nil
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
	if lookupFirst {
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

	job, changed, err := e.update(ctx, job.ID, jobs.StatusUploading, store.Patch{Detail: "uploading"})
	if err != nil || (!changed && job.Status != jobs.StatusUploading) {
		return // cancelled meanwhile, or the store refused
	}
	var up reducto.Upload
	err = e.persist(ctx, func() error {
		var err error
		up, err = e.client.UploadFile(ctx, job.File, e.uploadProgress(job))
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			e.fail(job.ID, fmt.Sprintf("upload failed: %v", err))
		}
		return
	}
	if ctx.Err() != nil {
		return // cancelled as the upload finished: create nothing
	}
	// From here on the job is Reducto's: a user's cancel must not abort a
	// request that may already have created it.
	jobID, err := e.send(e.ctx, job, up.FileID)
	if err != nil {
		if e.ctx.Err() == nil {
			e.fail(job.ID, fmt.Sprintf("submission failed: %v", err))
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

// send submits the uploaded document. An ambiguous failure (the request
// may have created the job) is followed by a lookup of the client
// reference; only when Reducto has no such job is the document sent again.
func (e *Engine) send(ctx context.Context, job jobs.Job, fileID string) (string, error) {
	var lastErr error
	for attempt := 0; attempt < submitAttempts; attempt++ {
		var jobID string
		err := e.persist(ctx, func() error {
			var err error
			jobID, err = e.post(ctx, job, fileID)
			return err
		})
		if err == nil {
			return jobID, nil
		}
		lastErr = err
		if !reducto.IsAmbiguous(err) {
			return "", err
		}
		e.log.Warn("ambiguous submission, looking it up", "job", job.ID, "err", err)
		found, ok, lerr := e.lookUp(ctx, job)
		if lerr != nil {
			return "", fmt.Errorf("%w (and the lookup failed: %v)", err, lerr)
		}
		if ok {
			return found, nil
		}
	}
	return "", lastErr
}

// post sends the one request that creates the job at Reducto.
func (e *Engine) post(ctx context.Context, job jobs.Job, fileID string) (string, error) {
	o := job.Options
	async, err := e.asyncConfig(job)
	if err != nil {
		return "", err
	}
	switch o.Kind {
	case jobs.KindExtract:
		return e.client.ExtractAsync(ctx, reducto.ExtractRequest{
			Input: fileID, Async: async,
			Instructions: &reducto.Instructions{Schema: o.Extract.Schema, SystemPrompt: o.Extract.SystemPrompt},
			Parsing:      parsingOf(o.Parse),
		})
	case jobs.KindSplit:
		descs := make([]reducto.SplitDescription, len(o.Split.Descriptions))
		for i, d := range o.Split.Descriptions {
			descs[i] = reducto.SplitDescription{Name: d.Name, Description: d.Description}
		}
		return e.client.SplitAsync(ctx, reducto.SplitRequest{
			Input: fileID, Async: async, SplitDescription: descs, SplitRules: o.Split.Rules,
			Parsing: parsingOf(o.Parse),
		})
	default:
		p := parsingOf(o.Parse)
		req := reducto.ParseRequest{Input: fileID, Async: async}
		if p != nil {
			req.Formatting, req.Retrieval, req.Settings = p.Formatting, p.Retrieval, p.Settings
		}
		return e.client.ParseAsync(ctx, req)
	}
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
	wait := time.Minute
	for {
		var (
			jobID string
			found bool
		)
		err := e.persist(ctx, func() error {
			var err error
			jobID, found, err = e.findByRef(ctx, job)
			return err
		})
		if err == nil || ctx.Err() != nil || e.clk.Now().Sub(job.CreatedAt) > lookupPatience {
			return jobID, found, err
		}
		e.log.Warn("cannot look up an interrupted submission yet; trying again", "job", job.ID, "in", wait, "err", err)
		select {
		case <-e.clk.After(e.poller.jitter(wait)):
		case <-ctx.Done():
			return "", false, ctx.Err()
		}
		wait = min(wait*2, 30*time.Minute)
	}
}

// findByRef pages through GET /jobs, newest first, for a job whose
// submitted config carries job's client reference. It stops at jobs
// created well before this one was queued.
func (e *Engine) findByRef(ctx context.Context, job jobs.Job) (string, bool, error) {
	oldest := job.CreatedAt.Add(-time.Hour) // generous: the server's clock is not ours
	cursor := ""
	for page := 0; page < lookupPages; page++ {
		if err := e.listLimit.wait(ctx); err != nil {
			return "", false, err
		}
		res, err := e.client.ListJobs(ctx, reducto.ListJobsParams{Cursor: cursor, Limit: 100})
		if err != nil {
			return "", false, fmt.Errorf("list jobs: %w", err)
		}
		for _, lj := range res.Jobs {
			if refOf(lj.AsyncMetadata()) == job.ClientRef {
				return lj.JobID, true, nil
			}
		}
		n := len(res.Jobs)
		if res.NextCursor == nil || *res.NextCursor == "" || n == 0 {
			return "", false, nil
		}
		if last := res.Jobs[n-1].CreatedAt; last != nil && last.Before(oldest) {
			return "", false, nil
		}
		cursor = *res.NextCursor
	}
	return "", false, nil
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

// submitted records Reducto's job id and starts following the job. A job
// the user cancelled while its submission was on the wire is cancelled at
// Reducto too, so nothing runs that nobody wants.
func (e *Engine) submitted(job jobs.Job, jobID string) {
	updated, changed, err := e.update(e.ctx, job.ID, jobs.StatusPending, store.Patch{JobID: &jobID, Detail: "submitted as " + jobID})
	if err != nil {
		e.log.Error("record submission", "job", job.ID, "job_id", jobID, "err", err)
		return
	}
	if !changed && updated.Status.Final() {
		if updated.Status == jobs.StatusCancelled {
			if err := e.client.Cancel(e.ctx, jobID); err != nil {
				e.log.Warn("cancel job submitted after the user cancelled it", "job_id", jobID, "err", err)
			}
		}
		return
	}
	e.poller.track(updated, false)
	e.mu.Lock()
	_, early := e.early[jobID]
	delete(e.early, jobID)
	e.mu.Unlock()
	if early {
		e.requestFinish(updated.ID, jobID, "an early webhook")
	}
}

// persistAttempts bounds how often persist runs an operation; with the
// client's own retries and the growing waits this rides out about a minute
// of 429s or 5xx before a job is failed.
const persistAttempts = 6

// persist runs f until it succeeds or fails for good. Transient failures
// (rate limits, overload, network trouble that certainly created nothing)
// wait with capped, jittered backoff, at least as long as the server asked.
func (e *Engine) persist(ctx context.Context, f func() error) error {
	delay := time.Second
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil || !transient(err) || attempt >= persistAttempts {
			return err
		}
		wait := max(reducto.RetryAfter(err), e.poller.jitter(delay))
		e.log.Info("transient API error, waiting", "wait", wait, "err", err)
		select {
		case <-e.clk.After(wait):
		case <-ctx.Done():
			return err
		}
		delay = min(delay*2, 30*time.Second)
	}
}

// transient reports whether repeating the request is safe and may succeed.
// An ambiguous submission is not: it must be looked up first.
func transient(err error) bool {
	if reducto.IsAmbiguous(err) {
		return false
	}
	var api *reducto.APIError
	if errors.As(err, &api) {
		return api.Retryable
	}
	var ne net.Error
	return errors.As(err, &ne)
}
