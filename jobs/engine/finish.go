package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// earlyLimit bounds the webhooks remembered for jobs whose submission has
// not been recorded yet.
const earlyLimit = 4096

// earlyTTL is how long such a webhook is remembered: the answer to a
// submission follows its webhook by seconds, so an entry older than this
// belongs to a submission that never got its id recorded (the app was
// closing) and only takes room.
const earlyTTL = 10 * time.Minute

// getJob is GET /job/{id} under the engine's rate limit; a 429 holds every
// caller back for the time the server asked.
func (e *Engine) getJob(ctx context.Context, jobID string) (*reducto.Job, error) {
	if err := e.jobLimit.wait(ctx); err != nil {
		return nil, err
	}
	rj, err := e.client.GetJob(ctx, jobID)
	if err != nil && reducto.IsRateLimited(err) {
		e.jobLimit.backOff(max(reducto.RetryAfter(err), time.Second))
	}
	return rj, err
}

// observe records what a check saw of a job that is still running.
func (e *Engine) observe(id int64, was jobs.Status, reductoStatus string, progress *float64) {
	to := jobs.StatusRunning
	if reductoStatus == reducto.JobPending || reductoStatus == reducto.JobIdle {
		to = jobs.StatusPending
	}
	if to != was && to.Rank() > was.Rank() {
		if _, _, err := e.update(e.ctx, id, to, store.Patch{Detail: "Reducto: " + reductoStatus}); err != nil {
			e.log.Error("record status", "job", id, "err", err)
		} else {
			e.poller.setStatus(id, to)
		}
	}
	if progress != nil {
		p := *progress
		if p > 1 { // Reducto's scale is undocumented; a percentage is likelier than not
			p /= 100
		}
		// Read and publish under the update lock: a progress snapshot must
		// never follow (and undo) the job's completion.
		e.pubMu.Lock()
		job, err := e.store.Get(e.ctx, id)
		if err == nil && !job.Status.Final() {
			e.bus.Publish(jobs.Event{Kind: jobs.EventProgress, Job: job, Progress: min(max(p, 0), 1)})
		}
		e.pubMu.Unlock()
	}
}

// requestFinish fetches the job once for its outcome and result, unless a
// fetch for it is already under way: a webhook, its retry and a poll that
// all see the end together cost one request and give one transition.
func (e *Engine) requestFinish(id int64, jobID, via string) {
	if !e.claimFinish(id) {
		return
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		again, err := e.fetchFinish(id, jobID, via)
		e.releaseFinish(id)
		e.lookAgain(id, again, err)
	}()
}

// fetchFinish is requestFinish's work, done while holding the job's claim.
// It reports whether the job must be looked at again soon, and why.
func (e *Engine) fetchFinish(id int64, jobID, via string) (again bool, err error) {
	rj, err := e.getJob(e.ctx, jobID)
	switch {
	case err != nil && reducto.IsGone(err):
		e.gone(id, jobID)
		return false, nil
	case err != nil:
		if e.ctx.Err() != nil {
			return false, nil
		}
		e.log.Warn("fetch finished job", "job", id, "job_id", jobID, "err", err)
		return true, err
	case reducto.IsTerminal(rj.Status):
		return e.finish(id, rj, via)
	default:
		// The notice ran ahead of the job's own status; look again soon.
		return true, nil
	}
}

// lookAgain schedules the job's next check when a fetch asked for one. It
// runs after the fetch released its claim: a check that came due while the
// claim was still held would be refused and, with nobody left to report
// back, leave the job "running" for good.
func (e *Engine) lookAgain(id int64, again bool, err error) {
	if again && e.ctx.Err() == nil {
		e.poller.soon(id, err)
	}
}

// finishWith completes a job from a GET /job answer already in hand.
func (e *Engine) finishWith(id int64, rj *reducto.Job, via string) {
	if !e.claimFinish(id) {
		return
	}
	again, err := e.finish(id, rj, via)
	e.releaseFinish(id)
	e.lookAgain(id, again, err)
}

// claimFinish reports whether the caller is the one to finish job id; it
// must call releaseFinish when done.
func (e *Engine) claimFinish(id int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, busy := e.finishing[id]; busy {
		return false
	}
	e.finishing[id] = struct{}{}
	return true
}

func (e *Engine) releaseFinish(id int64) {
	e.mu.Lock()
	delete(e.finishing, id)
	e.mu.Unlock()
}

// finish stores a terminal job: its result (URL-form results downloaded)
// and the final transition, in one store transaction. via says how the end
// was noticed (a webhook or polling), for the timeline and the log. It
// reports whether the job must be looked at again soon (its result could
// not be downloaded yet), and why; the caller schedules that (lookAgain).
func (e *Engine) finish(id int64, rj *reducto.Job, via string) (again bool, why error) {
	job, err := e.store.Get(e.ctx, id)
	if err == nil && job.Status.Final() {
		e.poller.untrack(id)
		return false, nil // finished meanwhile (a webhook and a poll both saw the end)
	}
	switch rj.Status {
	case reducto.JobCompleted:
		result, err := e.client.ResolveResult(e.ctx, rj)
		switch {
		case err == nil:
		case e.ctx.Err() != nil:
			return false, nil
		case reducto.IsGone(err):
			// Deleted or expired at Reducto between its end and our fetch:
			// asking again would get the same answer for ever.
			e.fail(id, fmt.Sprintf("the result is no longer available at Reducto: %v", err))
			return false, nil
		default:
			e.log.Warn("download result", "job", id, "err", err)
			return true, err
		}
		p := store.Patch{Result: result, Detail: "completed, noticed by " + via}
		if rj.NumPages != nil {
			p.Pages = rj.NumPages
		}
		summary := summarise(result)
		if p.Pages == nil && summary.Usage.NumPages > 0 {
			p.Pages = &summary.Usage.NumPages
		}
		if summary.StudioLink != "" {
			p.StudioLink = &summary.StudioLink
		}
		if summary.Usage.Credits != nil {
			p.Credits = summary.Usage.Credits
		}
		if f := finishers[kindOf(job)]; f != nil {
			var final finalError
			switch ferr := f(e.ctx, e, job, result, &p); {
			case ferr == nil:
			case e.ctx.Err() != nil:
				return false, nil
			case errors.As(ferr, &final):
				e.fail(id, ferr.Error())
				return false, nil
			default:
				e.log.Warn("finish the result", "job", id, "err", ferr)
				return true, ferr
			}
		}
		e.complete(id, p) // and the results beside the document (outputs.go)
	case reducto.JobFailed:
		reason := rj.Reason
		if reason == "" {
			reason = "Reducto reported the job failed without a reason"
		}
		reason = jobFailure(job, rj, reason) // typed when the app has a remedy
		e.record(id, jobs.StatusFailed, store.Patch{Error: &reason, Detail: "failed, noticed by " + via})
	default:
		e.record(id, jobs.StatusCancelled, store.Patch{Detail: "cancelled at Reducto, noticed by " + via})
	}
	return false, nil
}

// resultSummary is what the job list keeps from a result.
type resultSummary struct {
	StudioLink string `json:"studio_link"`
	Usage      struct {
		NumPages int      `json:"num_pages"`
		Credits  *float64 `json:"credits"`
	} `json:"usage"`
}

func summarise(result json.RawMessage) resultSummary {
	var s resultSummary
	_ = json.Unmarshal(result, &s) // a result of another shape simply has no summary
	return s
}

// gone fails a job Reducto no longer knows.
func (e *Engine) gone(id int64, jobID string) {
	e.fail(id, fmt.Sprintf("Reducto no longer knows job %s (jobs expire about 12 hours after submission)", jobID))
}

// HandleWebhook is the one entry for verified webhook deliveries. It is
// idempotent: any number of deliveries for a job, racing each other and the
// poller, give one completion. A webhook says only the status; the engine
// fetches the job once for its outcome and result. It returns ErrUnknownJob
// for a job this install never submitted.
func (e *Engine) HandleWebhook(ctx context.Context, d jobs.Delivery) error {
	if d.JobID == "" {
		return errors.New("webhook without a job id")
	}
	job, err := e.store.GetByJobID(ctx, d.JobID)
	if errors.Is(err, jobs.ErrNotFound) {
		// Perhaps ours, with the answer to the submission not recorded
		// yet: the reference in its metadata says (other installs on the
		// same Svix account carry references too, but not ours).
		mine, err := e.store.GetByClientRef(ctx, refOf(d.Metadata))
		if err != nil || mine.Status.Final() {
			return jobs.ErrUnknownJob
		}
		e.rememberEarly(d.JobID)
		// The id may have been stored while we looked.
		if job, err = e.store.GetByJobID(ctx, d.JobID); err != nil {
			return nil
		}
	} else if err != nil {
		return fmt.Errorf("webhook for %s: %w", d.JobID, err)
	}
	if job.Status.Final() {
		return nil
	}
	e.log.Info("webhook", "job", job.ID, "job_id", d.JobID, "status", d.Status, "via", d.Source)
	e.requestFinish(job.ID, d.JobID, string(d.Source)+" webhook")
	return nil
}

// rememberEarly notes a webhook that came before its job's id was stored,
// forgetting entries older than earlyTTL so the map stays small however
// long the app runs; at most earlyLimit are kept.
func (e *Engine) rememberEarly(jobID string) {
	now := e.clk.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	for id, at := range e.early {
		if now.Sub(at) > e.earlyTTL {
			delete(e.early, id)
		}
	}
	if len(e.early) < earlyLimit {
		e.early[jobID] = now
	}
}

// Cancel stops a job: before submission locally, afterwards at Reducto.
func (e *Engine) Cancel(ctx context.Context, id int64) error {
	job, err := e.store.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("cancel job %d: %w", id, err)
	}
	if job.Status.Final() {
		return fmt.Errorf("cancel job %d: it is already %s", id, job.Status)
	}
	if job.JobID == "" {
		e.mu.Lock()
		stop := e.cancelUploads[id]
		e.mu.Unlock()
		if stop != nil {
			stop()
		}
		cancelled, _, err := e.update(ctx, id, jobs.StatusCancelled, store.Patch{Detail: "cancelled before submission"})
		if err == nil && cancelled.JobID != "" {
			// The submission landed while we cancelled: stop it at Reducto too.
			if err := e.client.Cancel(ctx, cancelled.JobID); err != nil {
				e.log.Warn("cancel job submitted as the user cancelled it", "job_id", cancelled.JobID, "err", err)
			}
		}
		return err
	}
	if err := e.client.Cancel(ctx, job.JobID); err != nil {
		return fmt.Errorf("cancel %s: %w", job.JobID, err)
	}
	_, _, err = e.update(ctx, id, jobs.StatusCancelled, store.Patch{Detail: "cancelled by the user"})
	return err
}
