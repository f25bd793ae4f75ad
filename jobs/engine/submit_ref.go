package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/intake"
	"github.com/reductotray/reducto-tray/jobs/safefs"
)

// RefDoc is a document and the client reference its job must carry,
// chosen by the caller (a watched folder writes it in its ledger before
// the job exists, so that after a crash the job is found, not made twice).
type RefDoc struct {
	File string
	Ref  string
	// Expect, when set, is the version of File the caller checked (a
	// watched folder's settled file): the upload opens File without
	// following a link and sends nothing unless it is still that version,
	// so a file swapped for a link or saved over after the check is never
	// read. Zero: File is opened as Submit opens it.
	Expect safefs.Identity
}

// SubmitRefs is Submit with client references chosen by the caller. It
// returns, for each document in order, its job or why it was not
// submitted. A reference already recorded returns that job as it is (it
// was created before a crash, and the engine resumes it): calling again
// with the same references never makes a second job. The new rows are
// written in one transaction before any network call.
func (e *Engine) SubmitRefs(ctx context.Context, docs []RefDoc, opts jobs.Options) ([]jobs.Job, []error, error) {
	opts, err := e.checkOptions(opts)
	if err != nil {
		return nil, nil, err
	}
	out := make([]jobs.Job, len(docs))
	errs := make([]error, len(docs))
	var rows []jobs.Job
	var at []int
	for i, d := range docs {
		if d.Ref == "" {
			errs[i] = fmt.Errorf("%s: empty client reference", d.File)
			continue
		}
		if old, err := e.store.GetByClientRef(ctx, d.Ref); err == nil {
			out[i] = old
			continue
		} else if !errors.Is(err, jobs.ErrNotFound) {
			return nil, nil, fmt.Errorf("submit %s: %w", d.File, err)
		}
		abs, size, err := intake.CheckFile(d.File)
		if err != nil {
			errs[i] = err
			continue
		}
		rows = append(rows, jobs.Job{
			File: abs, Kind: opts.Kind, Status: jobs.StatusQueued, Webhook: opts.Webhook,
			ClientRef: d.Ref, Options: opts, Size: size,
		})
		at = append(at, i)
	}
	if len(rows) == 0 {
		return out, errs, nil
	}
	created, err := e.store.Create(ctx, rows)
	if err != nil {
		return nil, nil, fmt.Errorf("record %d submissions: %w", len(rows), err)
	}
	for k, job := range created {
		out[at[k]] = job
		if want := docs[at[k]].Expect; want != (safefs.Identity{}) {
			e.mu.Lock()
			e.expect[job.ID] = want
			e.mu.Unlock()
		}
		e.launch(job)
	}
	return out, errs, nil
}
