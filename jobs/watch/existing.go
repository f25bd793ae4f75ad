package watch

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// absFolder is f with its path made absolute and clean, as Set keys it.
func absFolder(f jobs.WatchFolder) (jobs.WatchFolder, error) {
	abs, err := filepath.Abs(f.Path)
	if err != nil {
		return f, fmt.Errorf("watched folder %s: %w", f.Path, err)
	}
	f.Path = filepath.Clean(abs)
	return f, nil
}

// Existing says whether folder f (with its preset) was never watched
// before and, if so, how many documents are in it already and their total
// size: what its first scan would submit. Looking at names only, it reads
// no file.
func (m *Manager) Existing(ctx context.Context, f jobs.WatchFolder) (jobs.ExistingDocs, error) {
	f, err := absFolder(f)
	if err != nil {
		return jobs.ExistingDocs{}, err
	}
	seen, err := m.cfg.Store.LedgerHas(ctx, f.Path, f.Preset)
	if err != nil || seen {
		return jobs.ExistingDocs{}, err
	}
	out := jobs.ExistingDocs{New: true}
	walkDocs(ctx, f, f.Path, nil, func(_ string, info fs.FileInfo) {
		out.Files++
		out.Bytes += info.Size()
	})
	return out, ctx.Err()
}

// SkipExisting records the documents already in folder f, if it was never
// watched before with its preset, as there before it was watched: its
// scans then take only documents that arrive (or change) from now on. It
// returns how many it recorded; call it before the folder is Set.
func (m *Manager) SkipExisting(ctx context.Context, f jobs.WatchFolder) (int, error) {
	f, err := absFolder(f)
	if err != nil {
		return 0, err
	}
	seen, err := m.cfg.Store.LedgerHas(ctx, f.Path, f.Preset)
	if err != nil || seen {
		return 0, err
	}
	var batch []store.LedgerEntry
	n := 0
	flush := func() error {
		if err := m.cfg.Store.LedgerBaseline(ctx, batch); err != nil {
			return fmt.Errorf("watched folder %s: record the documents already there: %w", f.Path, err)
		}
		n += len(batch)
		batch = batch[:0]
		return nil
	}
	var ferr error
	walkDocs(ctx, f, f.Path, nil, func(p string, info fs.FileInfo) {
		if ferr != nil {
			return
		}
		id := sigOf(info)
		batch = append(batch, store.LedgerEntry{Folder: f.Path, Preset: f.Preset, Path: p,
			Size: id.Size, MtimeNS: id.MtimeNS, Dev: id.Dev, Ino: id.Ino})
		if len(batch) == 1000 {
			ferr = flush()
		}
	})
	if ferr == nil && len(batch) > 0 {
		ferr = flush()
	}
	if ferr == nil {
		ferr = ctx.Err()
	}
	return n, ferr
}
