package watch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/intake"
	"github.com/reductotray/reducto-tray/jobs/safefs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// batchSize bounds the files claimed and submitted in one go: one ledger
// transaction, one jobs transaction and one marking transaction per batch,
// so 1,000 files copied in at once cost a few dozen commits, not 3,000.
const batchSize = 256

// storeRetry is how long a batch the store refused waits before its files
// are looked at again.
const storeRetry = 10 * time.Second

// process takes settled files and due rows, batch by batch, while the
// folder is not paused; each kick also checks the jobs still running
// (a missed event costs one rescan period, not the file).
func (f *folder) process() {
	for {
		select {
		case <-f.ctx.Done():
			return
		case <-f.kick:
		}
		f.reconcile()
		for f.ctx.Err() == nil {
			paths, rows := f.take()
			if len(paths) == 0 && len(rows) == 0 {
				break
			}
			f.submit(paths, rows)
		}
	}
}

// readyFile is a settled file and the identity it settled with.
type readyFile struct {
	path string
	id   sig
}

// take removes up to batchSize items of work; none while paused.
func (f *folder) take() ([]readyFile, []store.LedgerEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.paused {
		return nil, nil
	}
	n := min(batchSize, len(f.resubmit))
	rows := append([]store.LedgerEntry(nil), f.resubmit[:n]...)
	f.resubmit = f.resubmit[n:]
	k := min(batchSize-n, len(f.ready))
	files := make([]readyFile, k)
	for i, p := range f.ready[:k] {
		files[i] = readyFile{p, f.readySet[p]}
		delete(f.readySet, p)
	}
	f.ready = f.ready[k:]
	f.busy = len(files) + len(rows)
	return files, rows
}

// hashFile returns the SHA-256 of the file at path, opened without
// following a link, if it is still the version want (the identity it
// settled with); errChanged when it is not, or when it changed while it
// was read (its identity before and after differ).
func hashFile(path string, want sig) (string, sig, error) {
	fh, before, err := safefs.Open(path)
	if err != nil {
		return "", sig{}, err
	}
	defer fh.Close()
	if !before.Same(want) {
		return "", before, errChanged
	}
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return "", sig{}, err
	}
	after, err := safefs.Stat(path)
	if err != nil {
		return "", sig{}, err
	}
	if !after.Same(before) {
		return "", after, errChanged
	}
	return hex.EncodeToString(h.Sum(nil)), after, nil
}

var errChanged = fmt.Errorf("changed while it was read")

// stillThere reports whether the file of ledger row r is still the
// version the row describes, looked at without following a link.
func stillThere(r store.LedgerEntry) bool {
	id, err := safefs.Stat(r.Path)
	return err == nil && id.Same(rowSig(r))
}

// submit claims the new files in the ledger (each with a fresh client
// reference) before any job exists, creates the jobs with those same
// references, then marks the rows submitted. Rows left claimed by a crash
// and rows due for a retry go the same way with their reference.
func (f *folder) submit(files []readyFile, rows []store.LedgerEntry) {
	defer func() {
		f.mu.Lock()
		f.busy = 0
		f.mu.Unlock()
		f.m.changed()
	}()
	ctx := f.ctx
	st := f.m.cfg.Store
	opts, err := f.m.options(f.cfg)
	if err != nil {
		f.requeue(pathsOf(files), rows, storeRetry)
		f.setError(err.Error())
		return
	}
	var entries []store.LedgerEntry
	for _, rf := range files {
		p := rf.path
		hash, s, err := hashFile(p, rf.id)
		if err != nil {
			if err == errChanged {
				// A new version (or a link) since it settled: a new file,
				// which settles again (a link is then dropped).
				f.requeue([]string{p}, nil, f.m.cfg.Settle)
			}
			continue
		}
		if _, _, err := intake.CheckFile(p); err != nil {
			f.log.Info("watched folder: not submitted", "file", p, "why", err)
			f.remember(p, s)
			continue
		}
		entries = append(entries, store.LedgerEntry{
			Folder: f.cfg.Path, Preset: f.cfg.Preset, Path: p, Size: s.Size, MtimeNS: s.MtimeNS, Dev: s.Dev, Ino: s.Ino,
			Hash: hash, ClientRef: uuid.NewString(),
		})
	}
	claims, err := st.LedgerClaim(ctx, entries)
	if err != nil {
		if ctx.Err() == nil {
			f.log.Error("watched folder: record files in the ledger", "err", err)
			f.requeue(pathsOf(files), rows, storeRetry)
		}
		return
	}
	var todo []store.LedgerEntry // claimed rows to submit, reference set
	for _, c := range claims {
		f.remember(c.Entry.Path, rowSig(c.Entry))
		switch {
		case c.Entry.State == store.LedgerClaimed:
			todo = append(todo, c.Entry) // new, or left claimed by a crash
		case c.New && c.Entry.State == store.LedgerDuplicate:
			f.log.Info("watched folder: same content as an earlier file; not submitted again", "file", c.Entry.Path)
			if c.Entry.Job != 0 {
				if job, err := f.m.cfg.Engine.Job(ctx, c.Entry.Job); err == nil && job.Status == jobs.StatusCompleted {
					f.duplicateDone(job, c.Entry)
				}
			}
		}
	}
	for _, r := range rows {
		if !stillThere(r) {
			// Replaced (a new version, a link to a file elsewhere) or gone
			// since it was seen: what is there now was never settled, and
			// is not what this row's job was for.
			f.superseded(r)
			continue
		}
		if r.State != store.LedgerClaimed {
			// A retry: a new job, with a new reference written first.
			r.ClientRef = uuid.NewString()
			if err := st.LedgerRetry(ctx, r.ID, r.ClientRef); err != nil {
				if ctx.Err() == nil {
					f.log.Error("watched folder: record a retry", "file", r.Path, "err", err)
					f.requeue(nil, []store.LedgerEntry{r}, storeRetry)
				}
				continue
			}
			r.State = store.LedgerClaimed
		}
		todo = append(todo, r)
	}
	if len(todo) == 0 {
		f.m.changed()
		return
	}
	docs := make([]engine.RefDoc, len(todo))
	for i, r := range todo {
		docs[i] = engine.RefDoc{File: r.Path, Ref: r.ClientRef, Expect: rowSig(r)}
	}
	created, errs, err := f.m.cfg.Engine.SubmitRefs(ctx, docs, opts)
	if err != nil {
		if ctx.Err() == nil {
			// The rows stay claimed: submitted again with the same
			// references, which find the jobs if they were made.
			f.log.Error("watched folder: submit", "err", err)
			f.requeue(nil, todo, storeRetry)
		}
		return
	}
	if hook := f.m.hookBeforeMark; hook != nil {
		if err := hook(); err != nil {
			return // a simulated crash: the rows stay claimed
		}
	}
	var ids []int64
	var refs []string
	var jobIDs []int64
	var marked []store.LedgerEntry
	for i, r := range todo {
		if errs[i] != nil {
			reason := errs[i].Error()
			if err := st.LedgerSetState(ctx, r.ID, store.LedgerFailed, nil, reason); err != nil {
				f.log.Error("watched folder: record a refused file", "file", r.Path, "err", err)
			}
			f.gaveUp(r, reason)
			continue
		}
		ids, refs, jobIDs = append(ids, r.ID), append(refs, r.ClientRef), append(jobIDs, created[i].ID)
		r.State, r.Job, r.Attempts = store.LedgerSubmitted, created[i].ID, r.Attempts+1
		marked = append(marked, r)
	}
	if err := st.LedgerSubmitted(ctx, ids, refs, jobIDs); err != nil {
		if ctx.Err() == nil {
			f.log.Error("watched folder: mark files submitted", "err", err)
			f.requeue(nil, todo, storeRetry)
		}
		return
	}
	f.mu.Lock()
	for _, r := range marked {
		f.inflight[r.Job] = r
	}
	f.mu.Unlock()
	f.m.changed()
	// A job may have ended before its row was marked, its event finding no
	// row, and a file may have been replaced since the check above (events
	// from here on reach guard): look once now.
	f.reconcileRows(marked)
}

// superseded ends row r, whose file is no longer the version it
// describes: it is not tried again, and a regular file now at its path
// starts settling as a new file (a link is never taken).
func (f *folder) superseded(r store.LedgerEntry) {
	reason := "replaced or removed before it was tried again; a new file at its name is a new document"
	if err := f.m.cfg.Store.LedgerSetState(f.ctx, r.ID, store.LedgerFailed, nil, reason); err != nil {
		f.log.Error("watched folder: record a replaced file", "file", r.Path, "err", err)
	}
	f.gaveUp(r, reason)
	f.renewed(r.Path)
}

// renewed forgets what the ledger had at path, so the file there now (if
// a regular one) settles as a new file.
func (f *folder) renewed(path string) {
	f.mu.Lock()
	delete(f.known, path)
	f.mu.Unlock()
	if info, err := os.Lstat(path); err == nil && info.Mode().IsRegular() {
		f.candidate(path, info, false)
		f.poke(f.wake)
	}
}

func pathsOf(files []readyFile) []string {
	out := make([]string, len(files))
	for i, rf := range files {
		out[i] = rf.path
	}
	return out
}

// remember records that the ledger has path as s.
func (f *folder) remember(path string, s sig) {
	f.mu.Lock()
	f.known[path] = s
	f.mu.Unlock()
}

// requeue puts work back: files settle again after wait, rows wait in
// the retry list.
func (f *folder) requeue(paths []string, rows []store.LedgerEntry, wait time.Duration) {
	due := time.Now().Add(wait)
	f.mu.Lock()
	for _, p := range paths {
		if info, err := os.Lstat(p); err == nil {
			f.pending[p] = &cand{sig: sigOf(info), due: due}
		}
	}
	for _, r := range rows {
		r.NextTry = &due
		f.retries[r.ID] = r
	}
	f.mu.Unlock()
	f.poke(f.wake)
}

// reconcile checks every running job once: an outcome whose event was
// missed is applied now, and a job still waiting for its upload whose
// file changed (while the app was closed, or with its event lost) is
// cancelled.
func (f *folder) reconcile() {
	f.mu.Lock()
	rows := make([]store.LedgerEntry, 0, len(f.inflight))
	for _, r := range f.inflight {
		rows = append(rows, r)
	}
	f.mu.Unlock()
	f.reconcileRows(rows)
}

func (f *folder) reconcileRows(rows []store.LedgerEntry) {
	for _, r := range rows {
		job, err := f.m.cfg.Engine.Job(f.ctx, r.Job)
		if err != nil {
			continue
		}
		if !job.Status.Final() {
			if unsent(job) && !stillThere(r) {
				f.cancelUnsent(r)
			}
			continue
		}
		f.outcome(job, r)
	}
}
