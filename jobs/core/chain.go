package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/presets"
	"github.com/reductotray/reducto-tray/receiver/control"
)

// CheckFrom checks --from as a launch does before anything else: it needs
// --preset, an extract or split preset (a parse does not run on a parse),
// and ids that are a local id or a Reducto job id. nil, or a *UsageError
// (exit 2, one line).
func CheckFrom(home, preset string, from []string) error {
	if len(from) == 0 {
		return nil
	}
	if preset == "" {
		return &UsageError{Msg: "reducto-tray: --from needs --preset NAME, an extract or split preset to run on the parse"}
	}
	p, err := presets.Open(datadir.PresetsDir(home)).Get(preset)
	if err != nil {
		return &UsageError{Msg: fmt.Sprintf("reducto-tray: --preset %s: %v", preset, err)}
	}
	if spec, _ := p.Kind.Spec(); !spec.OnParse {
		return &UsageError{Msg: fmt.Sprintf("reducto-tray: --from runs an extract or split preset on a parse; preset %s is a %s", preset, p.Kind)}
	}
	for _, id := range from {
		if _, _, err := parseFromID(id); err != nil {
			return &UsageError{Msg: "reducto-tray: " + err.Error()}
		}
	}
	return nil
}

// parseFromID reads one --from value: digits are a local id, anything
// else Reducto's job id (with or without jobid://).
func parseFromID(s string) (local int64, jobID string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, "", errors.New("--from: empty job id; give a local id (see `reducto-tray jobs`) or a Reducto job id")
	}
	if n, perr := strconv.ParseInt(s, 10, 64); perr == nil {
		if n <= 0 {
			return 0, "", fmt.Errorf("--from %s: a local id is a positive number", s)
		}
		return n, "", nil
	}
	id := strings.TrimPrefix(s, "jobid://")
	if id == "" || strings.ContainsAny(id, " /\\\t\n") {
		return 0, "", fmt.Errorf("--from %q is neither a local id nor a Reducto job id", s)
	}
	return 0, id, nil
}

// thenOptions resolves a parse's "then" preset for the engine: the options
// of the preset, with results beside the document when the parse wrote
// its own there (a watched folder's parse, then extract).
func (a *App) thenOptions(name string, parent jobs.Job) (jobs.Options, error) {
	return a.PresetOptions(name, jobs.SourceChain, parent.Options.Outputs == jobs.OutputsBeside)
}

// SubmitFrom runs the preset on each completed parse in from (local ids or
// Reducto job ids, as --from takes them) with jobid://: no upload, no
// second parse. It returns the queued jobs and one error per id refused.
func (a *App) SubmitFrom(ctx context.Context, preset string, from []string) ([]jobs.Job, error) {
	opts, err := a.PresetOptions(preset, jobs.SourceChain, false)
	if err != nil {
		return nil, fmt.Errorf("--preset %s: %w", preset, err)
	}
	var (
		queued []jobs.Job
		errs   []error
	)
	for _, s := range from {
		local, jobID, err := parseFromID(s)
		var j jobs.Job
		switch {
		case err != nil:
		case local > 0:
			j, err = a.engine.Chain(ctx, local, opts)
		default:
			j, err = a.engine.ChainJobID(ctx, jobID, opts)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("--from %s: %w", s, err))
			continue
		}
		queued = append(queued, j)
	}
	return queued, errors.Join(errs...)
}

// submitFromCLI submits this run's --from ids and logs the outcome.
func (a *App) submitFromCLI(preset string, from []string) []jobs.Job {
	queued, err := a.SubmitFrom(a.ctx, preset, from)
	if err != nil {
		a.log.Error("submit --from", "err", err)
	}
	for _, j := range queued {
		a.log.Info("queued", "id", j.ID, "from", j.Options.From, "parent", j.ParentID, "kind", j.Kind, "preset", j.Preset)
	}
	return queued
}

// handleFrom takes a second launch's --from (with its --preset, read from
// this instance's presets folder) and any files it named with them.
func (a *App) handleFrom(ctx context.Context, req control.Request) (control.Response, error) {
	a.mu.Lock()
	quitting := a.quitting
	a.mu.Unlock()
	if quitting {
		return control.Response{}, control.ErrQuitting
	}
	queued, err := a.SubmitFrom(ctx, req.Preset, req.From)
	if err != nil && len(queued) == 0 {
		return control.Response{}, err
	}
	resp := control.Response{Accepted: len(queued), Message: fmt.Sprintf("%d chained on earlier parses", len(queued))}
	if err != nil {
		resp.Message += "; " + err.Error()
	}
	if len(req.Open) > 0 {
		rest := req
		rest.From, rest.Show = nil, false
		r, err := a.HandleControl(ctx, rest)
		if err != nil {
			return resp, nil // the chained jobs are queued; the files' refusal is logged
		}
		resp.Accepted += r.Accepted
		resp.Message += "; " + r.Message
	}
	return resp, nil
}
