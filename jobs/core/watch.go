package core

import (
	"context"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/jobs/watch"
)

// startWatch starts the watched folders: the saved ones and this run's
// --watch folders (recursive, with the run's --preset). Their documents
// are submitted with source "watch" and results beside them by default.
func (a *App) startWatch(eff settings.Effective) error {
	m := watch.New(watch.Config{
		Store:        a.store,
		Engine:       a.engine,
		Options:      a.watchOptions,
		WriteOutputs: a.engine.WriteOutputsFor,
		Logger:       a.log.With("component", "watch"),
	})
	if err := m.Start(); err != nil {
		return fmt.Errorf("start watched folders: %w", err)
	}
	a.mu.Lock()
	a.watch = m
	a.mu.Unlock()
	session := a.sessionFolders()
	if a.cfg.Flags.WatchExisting == WatchExistingNew {
		// Before the first scan: what is there now is recorded, not sent.
		for _, f := range session {
			n, err := m.SkipExisting(context.Background(), f)
			if err != nil {
				return fmt.Errorf("--watch-existing=new: %w", err)
			}
			if n > 0 {
				a.log.Info("watched folder: documents already there left alone (--watch-existing=new)", "folder", f.Path, "documents", n)
			}
		}
	}
	m.Set(eff.WatchFolders, session)
	return nil
}

// sessionFolders are this run's --watch folders.
func (a *App) sessionFolders() []jobs.WatchFolder {
	out := make([]jobs.WatchFolder, 0, len(a.cfg.Flags.Watch))
	for _, dir := range a.cfg.Flags.Watch {
		out = append(out, jobs.WatchFolder{Path: dir, Preset: a.cfg.Flags.Preset, Recursive: true})
	}
	return out
}

// watchOptions resolves a folder's preset afresh for each batch (an edited
// preset applies to the next documents); no preset: this run's defaults.
func (a *App) watchOptions(f jobs.WatchFolder) (jobs.Options, error) {
	if f.Preset != "" {
		return a.PresetOptions(f.Preset, jobs.SourceWatch, true)
	}
	o := a.Defaults()
	o.Source, o.Outputs = jobs.SourceWatch, jobs.OutputsBeside
	return o, nil
}

// applyWatch puts the saved folders in force (added, removed, changed,
// paused) without a restart.
func (a *App) applyWatch(eff settings.Effective) {
	a.mu.Lock()
	m := a.watch
	a.mu.Unlock()
	if m != nil {
		m.Set(eff.WatchFolders, a.sessionFolders())
	}
}

// stopWatch stops the watched folders before the engine they submit to.
func (a *App) stopWatch() {
	a.mu.Lock()
	m := a.watch
	a.mu.Unlock()
	if m != nil {
		m.Close()
	}
}

// Folders is the live side of the watched folders for the UI: statuses,
// pausing, and a tick on every change. Nil before Start.
func (a *App) Folders() *watch.Manager {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.watch
}
