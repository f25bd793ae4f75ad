package store

import (
	"context"
	"fmt"
	"strings"
)

// LedgerHas reports whether folder has ever been watched with preset (the
// ledger holds a row of it): only a folder not watched before is asked
// what to do with the documents already in it.
func (s *Store) LedgerHas(ctx context.Context, folder, preset string) (bool, error) {
	var one int
	err := s.r.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM watch_ledger WHERE folder = ? AND preset = ?)`, folder, preset).Scan(&one)
	if err != nil {
		return false, fmt.Errorf("ledger of %s: %w", folder, err)
	}
	return one == 1, nil
}

// LedgerBaseline records the files in es (Folder, Preset, Path, Size,
// MtimeNS, Dev, Ino) as already there when the folder was first watched
// (state existing, no hash, no job), in one transaction: the watcher
// then takes only files that arrive or change later. A path already in
// the ledger keeps its rows.
func (s *Store) LedgerBaseline(ctx context.Context, es []LedgerEntry) error {
	w, err := s.writer()
	if err != nil {
		return fmt.Errorf("ledger baseline: %w", err)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger baseline: begin: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO watch_ledger(folder, preset, path, size, mtime_ns, dev, ino, hash, state, updated_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, '', 'existing', ?
		WHERE NOT EXISTS (SELECT 1 FROM watch_ledger WHERE folder = ? AND preset = ? AND path = ?)`)
	if err != nil {
		return fmt.Errorf("ledger baseline: %w", err)
	}
	defer stmt.Close()
	now := unixMS(nowMS())
	for _, e := range es {
		if _, err := stmt.ExecContext(ctx, e.Folder, e.Preset, e.Path, e.Size, e.MtimeNS, int64(e.Dev), int64(e.Ino), now,
			e.Folder, e.Preset, e.Path); err != nil {
			return fmt.Errorf("ledger baseline %s: %w", e.Path, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger baseline: commit: %w", err)
	}
	return nil
}

// LedgerDelete removes the rows ids (a folder's retention: files gone
// long ago), in one transaction.
func (s *Store) LedgerDelete(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	w, err := s.writer()
	if err != nil {
		return fmt.Errorf("ledger prune: %w", err)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger prune: begin: %w", err)
	}
	defer tx.Rollback()
	const chunk = 500 // well under SQLite's bound on parameters
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM watch_ledger WHERE id IN (?`+strings.Repeat(",?", n-1)+`)`, args...); err != nil {
			return fmt.Errorf("ledger prune: %w", err)
		}
		ids = ids[n:]
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger prune: commit: %w", err)
	}
	return nil
}
