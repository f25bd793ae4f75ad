package engine

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// writeRetry spaces the attempts to record a transition the store refused
// (a full disk, an I/O error): soon at first, then every half minute.
var writeRetry = backoff.Policy{Min: 500 * time.Millisecond, Max: 30 * time.Second}

// recordLater keeps trying, in the background and with backoff, to write a
// transition the store refused, until it succeeds or the engine closes.
// mem is the job as the engine knows it meanwhile (e.g. pending with its
// Reducto id); each failure is logged and shown in an event so the user
// sees why the history lags. then, when not nil, runs after the write.
func (e *Engine) recordLater(mem jobs.Job, to jobs.Status, p store.Patch, firstErr error, then func(jobs.Job, bool)) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		err := firstErr
		for attempt := 0; ; attempt++ {
			wait := writeRetry.Delay(attempt)
			e.log.Error("could not save a job's progress to the history; retrying", "job", mem.ID, "job_id", mem.JobID, "to", to, "in", wait, "err", err)
			e.note(mem, fmt.Sprintf("could not save to the history (%v); retrying in %s", err, roundWait(wait)))
			select {
			case <-e.clk.After(wait):
			case <-e.ctx.Done():
				return // the job resumes from the history on the next start
			}
			var updated jobs.Job
			var changed bool
			updated, changed, err = e.update(e.ctx, mem.ID, to, p)
			if err == nil {
				e.log.Info("saved a job's progress to the history after a failed write", "job", mem.ID, "to", to)
				e.note(updated, "")
				if then != nil {
					then(updated, changed)
				}
				return
			}
		}
	}()
}

// note tells subscribers of a passing state of job (an empty text clears
// it). It is a progress event so a newer note replaces an older one that
// is still queued.
func (e *Engine) note(job jobs.Job, text string) {
	e.bus.Publish(jobs.Event{Kind: jobs.EventProgress, Job: job, Progress: -1, Note: text})
}

// waiting tells subscribers that job waits out trouble at the API.
func (e *Engine) waiting(job jobs.Job, err error, wait time.Duration) {
	e.note(job, fmt.Sprintf("waiting for the API (%s), next try in %s", troubleOf(err), roundWait(wait)))
}

// troubleOf names an API failure in a word or a status code.
func troubleOf(err error) string {
	var api *reducto.APIError
	var ne net.Error
	switch {
	case errors.As(err, &api):
		return strconv.Itoa(api.StatusCode)
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	default:
		return "network error"
	}
}

// roundWait renders a wait as "20 s" or "2 min", never "0 s".
func roundWait(d time.Duration) string {
	s := max(int((d+time.Second-1)/time.Second), 1)
	if s < 120 {
		return strconv.Itoa(s) + " s"
	}
	return strconv.Itoa((s+30)/60) + " min"
}
