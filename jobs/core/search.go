package core

import (
	"context"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/search"
)

// startSearch starts the search indexer: a first pass indexes what the
// history holds and the index lacks (all of an older history's results,
// in the background; a pass a quit interrupted resumes), then each
// completed job's result as it is stored. Call it before the engine
// starts, so no completion is missed.
func (a *App) startSearch() {
	ix := search.New(a.store, a.log.With("component", "search"))
	a.indexer = ix
	sub := a.engine.Subscribe()
	a.wg.Add(2)
	go func() {
		defer a.wg.Done()
		ix.Run(a.ctx)
	}()
	go func() {
		defer a.wg.Done()
		defer sub.Close()
		for {
			select {
			case <-a.ctx.Done():
				return
			case ev, ok := <-sub.C():
				if !ok {
					return
				}
				if ev.Kind == jobs.EventChanged && ev.Job.Status == jobs.StatusCompleted {
					ix.Stored()
				}
			}
		}
	}()
}

// Search finds q in the history: file names and the text of every stored
// result (the window's Jobs search).
func (a *App) Search(ctx context.Context, q jobs.SearchQuery) ([]jobs.SearchHit, error) {
	hits, err := a.store.Search(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return hits, nil
}

// IndexProgress is how far the search index has read the stored results.
func (a *App) IndexProgress() jobs.IndexProgress {
	if a.indexer == nil {
		return jobs.IndexProgress{}
	}
	return a.indexer.Progress()
}
