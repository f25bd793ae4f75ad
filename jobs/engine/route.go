package engine

import (
	"context"
	"fmt"
	"os"

	"github.com/reductotray/reducto-tray/jobs"
)

// runRoute sends a classified document on, once, to the preset its
// category's route names (a classify preset's "routes"), as a child job:
// parent_id the classify, source route, the category carried over. A
// category without a route stops there. The preset is resolved as a
// parse's "then" is (SetThenResolver).
func (e *Engine) runRoute(parent jobs.Job) {
	name, ok := parent.Route()
	if !ok {
		return
	}
	opts, due, err := e.childOptions(parent, name, "route")
	if !due {
		return
	}
	if err == nil {
		opts.Category = parent.Category
		opts.Source, opts.ParentID = jobs.SourceRoute, parent.ID
		var child jobs.Job
		child, err = e.route(e.ctx, parent, opts)
		if err == nil {
			e.log.Info("routed", "job", parent.ID, "category", parent.Category, "preset", name, "child", child.ID, "from", child.Options.From)
		}
	}
	if err != nil && e.ctx.Err() == nil {
		e.log.Error("route: routed job not submitted", "job", parent.ID, "category", parent.Category, "route", name, "err", err)
		e.note(parent, fmt.Sprintf("route %q for %s not submitted: %v", name, parent.Category, err))
	}
}

// route submits the routed job. An extract or split runs on a completed
// parse of the same document when the history has one Reducto still keeps
// (jobid://: no second upload, no second parse); anything else uploads the
// document again, which costs little (a classify reads only a few pages).
func (e *Engine) route(ctx context.Context, parent jobs.Job, opts jobs.Options) (jobs.Job, error) {
	if spec, _ := opts.Kind.Spec(); spec.OnParse {
		if p, ok := e.parseOf(ctx, parent); ok {
			opts.Then = ""
			return e.runOn(ctx, p.JobID, parent.File, parent.Size, opts)
		}
	}
	created, err := e.Submit(ctx, []string{parent.File}, opts)
	if err != nil {
		return jobs.Job{}, err
	}
	return created[0], nil
}

// parseOf finds a completed parse of parent's document as it is now: the
// same file and size, completed after the file last changed, recently
// enough that Reducto still has it.
func (e *Engine) parseOf(ctx context.Context, parent jobs.Job) (jobs.Job, bool) {
	p, ok, err := e.store.ParseOf(ctx, parent.File, parent.Size, e.clk.Now().Add(-thenWindow))
	if err != nil {
		e.log.Warn("route: look for a parse of the document", "file", parent.File, "err", err)
		return jobs.Job{}, false
	}
	if !ok || p.CompletedAt == nil {
		return jobs.Job{}, false
	}
	fi, err := os.Stat(parent.File)
	if err != nil || fi.ModTime().After(*p.CompletedAt) {
		return jobs.Job{}, false // changed since that parse, or gone
	}
	return p, true
}

// resumeRoutes sends on the documents classified while the last run was
// stopping, before it could route them.
func (e *Engine) resumeRoutes() {
	due, err := e.store.RoutesDue(e.ctx, e.clk.Now().Add(-thenWindow))
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Error("resume classify routes", "err", err)
		}
		return
	}
	for _, parent := range due {
		e.runRoute(parent)
	}
}
