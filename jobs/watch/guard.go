package watch

import (
	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// guard looks again at the file path after an event about it: a submitted
// job whose file is no longer the version it was made for (a link put in
// its place, a newer version saved over it) and that is still waiting for
// its upload is cancelled, so the engine never reads what is there now.
// Loop goroutine; the checks run on their own goroutine.
func (f *folder) guard(path string) {
	f.mu.Lock()
	var rows []store.LedgerEntry
	for _, r := range f.inflight {
		if r.Path == path {
			rows = append(rows, r)
		}
	}
	f.mu.Unlock()
	if len(rows) == 0 {
		return
	}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for _, r := range rows {
			if !stillThere(r) {
				f.stopUnsent(r)
			}
		}
	}()
}

// stopUnsent cancels row r's job if its upload has not been sent yet
// (queued, or uploading: an upload already under way read the file it
// opened, the version that settled, and is stopped all the same). Its
// outcome (cancelled) ends the row; the file now at the path, if a regular
// one, settles as a new document.
func (f *folder) stopUnsent(r store.LedgerEntry) {
	job, err := f.m.cfg.Engine.Job(f.ctx, r.Job)
	if err == nil && unsent(job) {
		f.cancelUnsent(r)
	}
}

// unsent reports whether job's document has not reached Reducto yet.
func unsent(job jobs.Job) bool {
	return job.Status == jobs.StatusQueued || job.Status == jobs.StatusUploading
}

// cancelUnsent cancels the job of row r, whose file changed before its
// upload.
func (f *folder) cancelUnsent(r store.LedgerEntry) {
	if err := f.m.cfg.Engine.Cancel(f.ctx, r.Job); err != nil {
		if f.ctx.Err() == nil {
			f.log.Warn("watched folder: cancel the job of a replaced file", "file", r.Path, "job", r.Job, "err", err)
		}
		return
	}
	f.log.Warn("watched folder: file replaced before its upload; its job is cancelled", "file", r.Path, "job", r.Job)
	f.renewed(r.Path)
}
