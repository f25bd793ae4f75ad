package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// defaultSyncTimeout bounds one request of a kind Reducto answers at once
// (Config.SyncTimeout): a classify reads a few pages, so an answer that
// has not come in five minutes is not coming.
const defaultSyncTimeout = 5 * time.Minute

// runSync runs an uploaded job of a synchronous kind (syncSenders): its
// one request is retried through transient trouble for up to apiPatience
// (it creates nothing lasting at Reducto, so a repeat is safe), each try
// bounded by the sync timeout, and its answer is recorded as the end of
// an async job is (finishWith), with no webhook and no polling. A user's
// cancel (ctx) abandons the request: nothing is left running.
func (e *Engine) runSync(ctx context.Context, job jobs.Job, input string) {
	defer e.forgetPassword(job.ID) // answered either way: never kept longer
	run := syncSenders[kindOf(job)]
	raw, err := e.requestFields(job)
	if err != nil {
		e.fail(job.ID, submitFailure(job, err))
		return
	}
	timeout := e.cfg.SyncTimeout
	if timeout <= 0 {
		timeout = defaultSyncTimeout
	}
	errTimeout := fmt.Errorf("no answer from Reducto within %s; try again later", roundWait(timeout))
	e.note(job, "waiting for Reducto's answer")
	var (
		jobID string
		done  *reducto.Job
	)
	err = e.persist(ctx, job, func() error {
		tctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		var err error
		jobID, done, err = run(tctx, e, job, input, raw)
		if err != nil && ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
			return errTimeout // not transient: a clear failure, not another wait
		}
		return err
	})
	switch {
	case ctx.Err() != nil:
		return // cancelled by the user, or the engine is closing: resumed on the next start
	case err != nil:
		e.fail(job.ID, submitFailure(job, err))
		return
	}
	if jobID != "" {
		// Recorded with the completion, in the same write (update).
		e.mu.Lock()
		e.unrecorded[job.ID] = jobID
		e.mu.Unlock()
	}
	e.finishWith(job.ID, done, "Reducto's answer")
}
