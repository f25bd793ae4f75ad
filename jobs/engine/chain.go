package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// JobIDScheme prefixes the input of a job chained on a completed parse:
// Reducto reuses that parse (no upload, no second parse, fewer credits).
const JobIDScheme = "jobid://"

// ThenResolver turns the name of a preset into the options of the job a
// parse's "then" submits on parent; the core provides it (presets live
// there). Options that leave outputs unset follow the parse's.
type ThenResolver func(name string, parent jobs.Job) (jobs.Options, error)

// chainState holds what chaining and password resubmissions keep in
// memory.
type chainState struct {
	mu        sync.Mutex
	then      ThenResolver
	passwords map[int64]string // local id -> document password; never written anywhere
}

// SetThenResolver makes the engine submit, when a parse whose options name
// a "then" preset completes, the chained job with that preset. Without one
// (nil) "then" is ignored, with a warning in the log.
func (e *Engine) SetThenResolver(r ThenResolver) {
	e.chain.mu.Lock()
	e.chain.then = r
	e.chain.mu.Unlock()
}

// Chain submits an extract or split on the completed parse id of this
// history, with input jobid://<its Reducto id>: nothing is uploaded and
// the document is not parsed again. The new job is linked to the parse
// (ParentID, source chain) and shares its document, so results beside it
// land next to the parse's.
func (e *Engine) Chain(ctx context.Context, parentID int64, opts jobs.Options) (jobs.Job, error) {
	parent, err := e.store.Get(ctx, parentID)
	if err != nil {
		return jobs.Job{}, fmt.Errorf("chain on job %d: %w", parentID, err)
	}
	if parent.Kind != jobs.KindParse {
		return jobs.Job{}, fmt.Errorf("chain on job %d: it is a %s, not a parse", parentID, parent.Kind)
	}
	if parent.Status != jobs.StatusCompleted || parent.JobID == "" {
		return jobs.Job{}, fmt.Errorf("chain on job %d: the parse is %s, not completed", parentID, parent.Status)
	}
	opts.ParentID = parent.ID
	return e.chainOn(ctx, parent.JobID, parent.File, parent.Size, opts)
}

// ChainJobID is Chain for a parse named by Reducto's job id: one of this
// history's parses (then linked like Chain), or one submitted elsewhere
// (Studio, another install), which has no document here: its file reads
// jobid://<id> and nothing is written beside anything.
func (e *Engine) ChainJobID(ctx context.Context, jobID string, opts jobs.Options) (jobs.Job, error) {
	jobID = strings.TrimPrefix(strings.TrimSpace(jobID), JobIDScheme)
	if jobID == "" {
		return jobs.Job{}, errors.New("chain: empty Reducto job id")
	}
	parent, err := e.store.GetByJobID(ctx, jobID)
	switch {
	case err == nil:
		return e.Chain(ctx, parent.ID, opts)
	case !errors.Is(err, jobs.ErrNotFound):
		return jobs.Job{}, fmt.Errorf("chain on %s: %w", jobID, err)
	}
	opts.ParentID = 0
	opts.Outputs = jobs.OutputsNone // no document of ours to write beside
	return e.chainOn(ctx, jobID, JobIDScheme+jobID, 0, opts)
}

// chainOn writes the chained job's queued row and starts its submission.
func (e *Engine) chainOn(ctx context.Context, jobID, file string, size int64, opts jobs.Options) (jobs.Job, error) {
	if spec, _ := opts.Kind.Spec(); !spec.OnParse {
		return jobs.Job{}, fmt.Errorf("chain on %s: only %s runs on a parse, not a %q", jobID, jobs.OnParseNames("or"), opts.Kind)
	}
	opts.Source = jobs.SourceChain
	opts.Then = "" // an extract or split has nothing to chain on
	return e.runOn(ctx, jobID, file, size, opts)
}

// runOn writes the queued row of a job that runs on Reducto's parse jobID
// (input jobid://) and starts its submission: a chained job, or a routed
// one that found a parse of its document.
func (e *Engine) runOn(ctx context.Context, jobID, file string, size int64, opts jobs.Options) (jobs.Job, error) {
	opts.From = jobID
	opts, err := e.checkOptions(opts)
	if err != nil {
		return jobs.Job{}, fmt.Errorf("run on parse %s: %w", jobID, err)
	}
	created, err := e.store.Create(ctx, []jobs.Job{{
		File: file, Kind: opts.Kind, Status: jobs.StatusQueued, Webhook: opts.Webhook,
		ClientRef: uuid.NewString(), Options: opts, Size: size,
	}})
	if err != nil {
		return jobs.Job{}, fmt.Errorf("run on parse %s: %w", jobID, err)
	}
	job := created[0]
	e.launch(job)
	return job, nil
}

// Children returns the jobs chained on job id, oldest first (the detail
// links a parse to its extracts and splits; ParentID links back).
func (e *Engine) Children(ctx context.Context, id int64) ([]jobs.Job, error) {
	return e.store.Children(ctx, id)
}

// runThen submits the chained job a completed parse's options ask for,
// once: a parse whose completion is seen again (a restart, a late webhook)
// already has its child.
func (e *Engine) runThen(parent jobs.Job) {
	name := parent.Options.Then
	if name == "" || parent.Kind != jobs.KindParse || parent.Status != jobs.StatusCompleted {
		return
	}
	opts, due, err := e.childOptions(parent, name, "then")
	if !due {
		return
	}
	if err == nil {
		_, err = e.Chain(e.ctx, parent.ID, opts)
	}
	if err != nil && e.ctx.Err() == nil {
		e.log.Error("then: chained job not submitted", "job", parent.ID, "then", name, "err", err)
		e.note(parent, fmt.Sprintf("then %q not submitted: %v", name, err))
	}
}

// childOptions resolves the preset name that parent's "then" or route
// runs, once: due is false when nothing resolves presets or parent already
// has a job with that preset (its completion seen again: a restart, a late
// webhook). The child's results go where the parent's went (beside a
// watched folder's documents), its webhook mode too, unless the preset
// says.
func (e *Engine) childOptions(parent jobs.Job, name, what string) (opts jobs.Options, due bool, err error) {
	e.chain.mu.Lock()
	resolve := e.chain.then
	e.chain.mu.Unlock()
	if resolve == nil {
		e.log.Warn(what+" names a preset but nothing resolves presets", "job", parent.ID, "preset", name)
		return opts, false, nil
	}
	if done, err := e.store.HasChild(e.ctx, parent.ID, name); err != nil || done {
		if err != nil && e.ctx.Err() == nil {
			e.log.Error(what+": look for the job it submitted", "job", parent.ID, "err", err)
		}
		return opts, false, nil
	}
	if opts, err = resolve(name, parent); err != nil {
		return opts, true, err
	}
	opts.Preset = name
	if opts.Outputs == "" {
		opts.Outputs = parent.Options.Outputs
	}
	if opts.Webhook == "" {
		opts.Webhook = parent.Webhook
	}
	return opts, true, nil
}

// submitFailure turns a refused submission into the job's error text,
// typed when the app has a remedy: a chained job whose parse Reducto no
// longer has (404/410 for its jobid:// input), or a protected PDF (442).
func submitFailure(job jobs.Job, err error) string {
	var ae *reducto.APIError
	if errors.As(err, &ae) {
		switch {
		case ae.StatusCode == statusPasswordRequired:
			return jobs.FailureText(jobs.FailurePasswordRequired, passwordDetail(job, ae.Message))
		case job.Options.From != "" && (ae.StatusCode == http.StatusNotFound || ae.StatusCode == http.StatusGone):
			return jobs.FailureText(jobs.FailureParseExpired, expiredDetail(job, ae.Message))
		}
	}
	return fmt.Sprintf("submission failed: %v", err)
}

// jobFailure is submitFailure for a job Reducto ran and reported Failed.
func jobFailure(job jobs.Job, rj *reducto.Job, reason string) string {
	low := strings.ToLower(reason)
	code := ""
	if rj.Error != nil {
		code = rj.Error.Code
	}
	switch {
	case code == "442" || strings.Contains(low, "password"):
		return jobs.FailureText(jobs.FailurePasswordRequired, passwordDetail(job, reason))
	case job.Options.From != "" && (strings.Contains(low, "not found") || strings.Contains(low, "expired")):
		return jobs.FailureText(jobs.FailureParseExpired, expiredDetail(job, reason))
	}
	return reason
}

func expiredDetail(job jobs.Job, msg string) string {
	return fmt.Sprintf("Reducto no longer has parse %s (parses expire about 12 hours after submission); upload the document again to run this (%s)", job.Options.From, msg)
}

// thenWindow is how far back a restart looks for parses whose "then" was
// not submitted: Reducto keeps a parse about 12 hours.
const thenWindow = 12 * time.Hour

// resumeThen submits the chained jobs of parses that completed while the
// last run was stopping, before it could.
func (e *Engine) resumeThen() {
	due, err := e.store.ThenDue(e.ctx, e.clk.Now().Add(-thenWindow))
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Error("resume presets' then", "err", err)
		}
		return
	}
	for _, parent := range due {
		e.runThen(parent)
	}
}
