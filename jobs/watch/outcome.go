package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/safefs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// outcome applies a final job to one of its ledger rows: the submitted
// content is done, retried later, or given up (and, with MoveOriginals,
// moved into processed/ or failed/); a duplicate gets the job's results
// beside it. Each submitted row is handled once, whichever of the event
// and the reconciliation comes first.
func (f *folder) outcome(job jobs.Job, row store.LedgerEntry) {
	if row.State == store.LedgerDuplicate {
		if job.Status == jobs.StatusCompleted {
			f.duplicateDone(job, row)
		}
		return
	}
	f.mu.Lock()
	cur, ok := f.inflight[job.ID]
	if ok {
		delete(f.inflight, job.ID)
		row = cur
	}
	f.mu.Unlock()
	if !ok {
		return
	}
	defer f.m.changed()
	st := f.m.cfg.Store
	switch {
	case job.Status == jobs.StatusCompleted:
		if err := st.LedgerSetState(f.ctx, row.ID, store.LedgerDone, nil, ""); err != nil {
			f.log.Error("watched folder: record a finished file", "file", row.Path, "err", err)
		}
		f.mu.Lock()
		f.rollDay(time.Now())
		f.doneToday++
		f.mu.Unlock()
		// A document a classify routes on stays where it is: the routed
		// job may still upload it, and writes its results beside it.
		if _, routed := job.Route(); f.cfg.MoveOriginals && !routed {
			f.move(row, ProcessedDir)
		}
	case job.Status == jobs.StatusFailed && row.Attempts < f.m.cfg.MaxAttempts:
		next := time.Now().Add(f.m.cfg.Retry.Delay(row.Attempts - 1))
		reason := fmt.Sprintf("attempt %d of %d failed: %s", row.Attempts, f.m.cfg.MaxAttempts, job.Error)
		if err := st.LedgerSetState(f.ctx, row.ID, store.LedgerFailed, &next, reason); err != nil {
			f.log.Error("watched folder: record a failed attempt", "file", row.Path, "err", err)
		}
		f.log.Info("watched folder: job failed; trying again later", "file", row.Path, "attempt", row.Attempts, "at", next, "err", job.Error)
		row.State, row.NextTry, row.Reason = store.LedgerFailed, &next, reason
		f.mu.Lock()
		f.retries[row.ID] = row
		f.mu.Unlock()
		f.poke(f.wake)
	default:
		reason := job.Error
		if job.Status == jobs.StatusCancelled {
			reason = "cancelled"
			if !stillThere(row) {
				reason = "replaced before its upload; a new file at its name is a new document"
			}
		} else if row.Attempts > 1 {
			reason = fmt.Sprintf("gave up after %d attempts: %s", row.Attempts, job.Error)
		}
		if err := st.LedgerSetState(f.ctx, row.ID, store.LedgerFailed, nil, reason); err != nil {
			f.log.Error("watched folder: record a failed file", "file", row.Path, "err", err)
		}
		f.gaveUp(row, reason)
		if f.cfg.MoveOriginals && job.Status == jobs.StatusFailed {
			f.move(row, FailedDir)
		}
	}
}

// gaveUp counts a file that will not be tried again and keeps why.
func (f *folder) gaveUp(row store.LedgerEntry, reason string) {
	f.log.Warn("watched folder: file given up", "file", row.Path, "why", reason)
	f.mu.Lock()
	f.rollDay(time.Now())
	f.failed++
	f.failedToday++
	f.lastFailure = filepath.Base(row.Path) + ": " + reason
	f.mu.Unlock()
	f.m.changed()
}

// duplicateDone writes the results of job (the first file with this
// content) beside the duplicate: the content is paid for once.
func (f *folder) duplicateDone(job jobs.Job, row store.LedgerEntry) {
	if job.Options.Outputs != jobs.OutputsBeside || f.m.cfg.WriteOutputs == nil {
		return
	}
	if !stillThere(row) {
		// Not the content the first job read (a newer file, or a link to
		// one elsewhere): its results do not belong beside it.
		f.log.Info("watched folder: a duplicate was replaced; the first job's results not written beside it", "file", row.Path)
		return
	}
	paths, err := f.m.cfg.WriteOutputs(f.ctx, job.ID, row.Path)
	if err != nil {
		f.log.Error("watched folder: write the results of a duplicate", "file", row.Path, "job", job.ID, "err", err)
		return
	}
	f.log.Info("watched folder: duplicate's results written from the first job", "file", row.Path, "job", job.ID, "outputs", len(paths))
}

// move puts the original into sub (processed/ or failed/) of the watched
// folder, keeping its path below the folder, under a free name taken
// without replacing anything, and only if the file at the path is still
// the version the job read: a newer file saved there meanwhile (or a link
// put there) stays, and settles as a new document. Its outputs stay where
// they were written, beside where the document arrived: the engine writes
// them after completion off its critical path and records their paths in
// the job, so moving them would race that writer and leave the job
// listing paths that no longer exist; and the folder the person watches
// is where they look for results.
func (f *folder) move(row store.LedgerEntry, sub string) {
	path := row.Path
	rel, err := filepath.Rel(f.cfg.Path, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return
	}
	dst := filepath.Join(f.cfg.Path, sub, rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		f.log.Error("watched folder: move the original", "file", path, "to", sub, "err", err)
		return
	}
	to, err := safefs.MoveIf(path, rowSig(row), dst)
	switch {
	case errors.Is(err, safefs.ErrChanged):
		f.log.Info("watched folder: a newer file is at the original's name; it stays and is a new document", "file", path)
		f.renewed(path)
		return
	case errors.Is(err, fs.ErrNotExist):
		return // removed meanwhile: nothing to move
	case err != nil:
		f.log.Error("watched folder: move the original", "file", path, "to", dst, "err", err)
		return
	}
	f.log.Debug("watched folder: original moved", "file", path, "to", to)
	f.mu.Lock()
	delete(f.known, path)
	f.mu.Unlock()
}
