package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/outputs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// outputSlots bounds the jobs whose results are written at once: a
// thousand documents finishing together queue here instead of opening a
// thousand files.
const outputSlots = 4

// outputWriteTimeout bounds one job's writing once started; it finishes
// even while the engine closes (Close waits), so a file put in place is
// also recorded as the app's own.
const outputWriteTimeout = 2 * time.Minute

// outputState is the engine's bookkeeping of results being written beside
// documents. Its zero value is ready (initialised on first use).
type outputState struct {
	mu    sync.Mutex
	busy  map[outputKey]chan struct{} // closed when that write ends
	slots chan struct{}
}

// outputKey is one job's results beside one document (a watched folder's
// duplicate content gets the first job's results beside a second name).
type outputKey struct {
	id  int64
	doc string
}

// acquire waits until no other write of key runs, then claims it; release
// must follow. It gives up when ctx ends.
func (o *outputState) acquire(ctx context.Context, key outputKey) (release func(), err error) {
	for {
		o.mu.Lock()
		if o.busy == nil {
			o.busy = make(map[outputKey]chan struct{})
			o.slots = make(chan struct{}, outputSlots)
		}
		wait, busy := o.busy[key]
		if !busy {
			done := make(chan struct{})
			o.busy[key] = done
			slots := o.slots
			o.mu.Unlock()
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				o.end(key, done)
				return nil, ctx.Err()
			}
			return func() { <-slots; o.end(key, done) }, nil
		}
		o.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (o *outputState) end(key outputKey, done chan struct{}) {
	o.mu.Lock()
	delete(o.busy, key)
	o.mu.Unlock()
	close(done)
}

// complete records job id's completion with p and then, off the caller's
// path, writes its results beside the document when the job asks for it.
// A completion the store refused is retried (recordLater) and its outputs
// follow the write that lands.
func (e *Engine) complete(id int64, p store.Patch) {
	job, changed, err := e.update(e.ctx, id, jobs.StatusCompleted, p)
	if err != nil {
		if e.ctx.Err() != nil {
			return // resumed on the next start, outputs with it
		}
		mem, gerr := e.store.Get(e.ctx, id)
		if gerr != nil {
			mem = jobs.Job{ID: id}
		}
		e.recordLater(mem, jobs.StatusCompleted, p, err, func(j jobs.Job, changed bool) {
			if changed {
				e.outputsLater(j)
				e.runThen(j)
				e.runRoute(j)
			}
		})
		return
	}
	if changed {
		e.outputsLater(job)
		e.runThen(job)  // a preset's "then" (chain.go)
		e.runRoute(job) // a classify preset's routes (route.go)
	}
}

// wantsOutputs reports whether job's results are due beside its document.
func wantsOutputs(job jobs.Job) bool {
	return job.Status == jobs.StatusCompleted && job.Options.Outputs == jobs.OutputsBeside && len(job.Outputs) == 0
}

// outputsLater writes job's results beside its document in the
// background (the engine waits for it on Close), if it asks for them and
// has none recorded yet.
func (e *Engine) outputsLater(job jobs.Job) {
	if !wantsOutputs(job) {
		return
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		release, err := e.out.acquire(e.ctx, outputKey{job.ID, job.File})
		if err != nil {
			return // closing: the next start writes them (resumeOutputs)
		}
		defer release()
		// Another write (a resume racing a completion) may have done it.
		if cur, err := e.store.Get(e.ctx, job.ID); err == nil {
			if !wantsOutputs(cur) {
				return
			}
			job = cur
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(e.ctx), outputWriteTimeout)
		defer cancel()
		_, _ = e.writeOutputs(ctx, job, job.File)
	}()
}

// resumeOutputs writes the results of jobs that completed without them
// being written: the app stopped first, or the folder refused them.
func (e *Engine) resumeOutputs() {
	due, err := e.store.OutputsDue(e.ctx)
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Error("find results still to write beside documents", "err", err)
		}
		return
	}
	for _, job := range due {
		e.outputsLater(job)
	}
	if len(due) > 0 {
		e.log.Info("writing results left unwritten beside their documents", "count", len(due))
	}
}

// WriteOutputsFor writes the results of completed job jobID beside doc
// (not beside the job's own document): a watched folder's second file with
// the same content as the first gets the first job's results without
// paying twice. The paths are recorded in the job's outputs (and as the
// app's own files for doc) and an EventChanged is published; it returns
// the absolute paths written. A failure is also logged, shown as the job's
// Note and added to its timeline, as for the job's own outputs.
func (e *Engine) WriteOutputsFor(ctx context.Context, jobID int64, doc string) ([]string, error) {
	abs, err := filepath.Abs(doc)
	if err != nil {
		return nil, fmt.Errorf("write results of job %d beside %s: %w", jobID, doc, err)
	}
	job, err := e.store.Get(ctx, jobID)
	if err != nil {
		return nil, fmt.Errorf("write results of job %d beside %s: %w", jobID, abs, err)
	}
	if job.Status != jobs.StatusCompleted {
		return nil, fmt.Errorf("write results of job %d beside %s: the job is %s, not completed", jobID, abs, job.Status)
	}
	release, err := e.out.acquire(ctx, outputKey{jobID, abs})
	if err != nil {
		return nil, fmt.Errorf("write results of job %d beside %s: %w", jobID, abs, err)
	}
	defer release()
	return e.writeOutputs(ctx, job, abs)
}

// writeOutputs writes job's results beside doc, records what was written
// and publishes the job; a failure is logged, noted and put in the
// timeline, and the job stays completed with its result in the history.
func (e *Engine) writeOutputs(ctx context.Context, job jobs.Job, doc string) ([]string, error) {
	paths, err := e.writeFiles(ctx, job, doc)
	if len(paths) > 0 {
		files := make([]store.OutputFile, 0, len(paths))
		for _, p := range paths {
			fi, serr := os.Stat(p)
			if serr != nil {
				err = errors.Join(err, fmt.Errorf("check %s: %w", p, serr))
				continue
			}
			files = append(files, store.OutputFile{Path: p, Doc: doc, Job: job.ID, Size: fi.Size(), ModTime: fi.ModTime()})
		}
		e.pubMu.Lock()
		updated, rerr := e.store.RecordOutputs(ctx, job.ID, files)
		if rerr == nil {
			e.bus.Publish(jobs.Event{Kind: jobs.EventChanged, Job: updated, Progress: -1})
			job = updated
		}
		e.pubMu.Unlock()
		if rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	if err != nil {
		msg := fmt.Sprintf("results not written beside %s: %v", filepath.Base(doc), err)
		e.log.Error("write results beside the document", "job", job.ID, "doc", doc, "err", err)
		// The timeline first: whoever the note sends to the detail view
		// finds the line there.
		if terr := e.store.AddTimeline(ctx, job.ID, msg); terr != nil {
			e.log.Error("record a failed write of results in the timeline", "job", job.ID, "err", terr)
		}
		e.note(job, msg)
		return paths, err
	}
	e.log.Info("results written beside the document", "job", job.ID, "doc", doc, "files", len(paths))
	return paths, nil
}

// writeFiles reads job's stored result and writes its output files beside
// doc, replacing only files the app wrote there for doc before.
func (e *Engine) writeFiles(ctx context.Context, job jobs.Job, doc string) ([]string, error) {
	result, err := e.store.Result(ctx, job.ID)
	if err != nil {
		return nil, fmt.Errorf("read the result of job %d: %w", job.ID, err)
	}
	w := outputs.NewWriter(func(path string) bool {
		owned, err := e.store.OutputOwned(ctx, path, doc)
		if err != nil {
			e.log.Warn("check whether a file is the app's own; treating it as someone else's", "path", path, "err", err)
		}
		return owned
	})
	w.Document = func(id int64) ([]byte, error) { return e.store.Document(ctx, id) }
	target := job
	target.File = doc
	return w.Write(target, result)
}
