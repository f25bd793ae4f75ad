package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// LedgerState is where a watched folder's file content stands.
type LedgerState string

// The states of a ledger row (watch_ledger.state).
const (
	// LedgerClaimed: the row is written and its client reference chosen,
	// the job may or may not exist yet (a crash between the two is
	// resolved by looking the reference up in the jobs table).
	LedgerClaimed LedgerState = "claimed"
	// LedgerSubmitted: the job exists (queued or further).
	LedgerSubmitted LedgerState = "submitted"
	// LedgerDuplicate: the same content under another name in the same
	// folder and preset; never submitted, its results come from the first.
	LedgerDuplicate LedgerState = "duplicate"
	// LedgerDone: the job completed.
	LedgerDone LedgerState = "done"
	// LedgerFailed: the job failed; NextTry says when it is tried again,
	// nil when it gave up.
	LedgerFailed LedgerState = "failed"
	// LedgerExisting: a file that was in the folder before it was first
	// watched, kept out on request (--watch-existing=new, the add-folder
	// prompt's "only new files"). Its hash is empty: it was never read.
	// A later change to it makes it a new file.
	LedgerExisting LedgerState = "existing"
)

// LedgerEntry is one row of the watched-folder ledger: one file content
// (path, size, mtime, SHA-256) seen in a folder watched with a preset, and
// the job it became.
type LedgerEntry struct {
	ID        int64
	Folder    string // the watched folder (absolute)
	Preset    string // "" = the saved defaults
	Path      string // the file (absolute)
	Size      int64
	MtimeNS   int64
	Dev, Ino  uint64 // the file's device and inode; 0 = not known
	Hash      string // SHA-256 of the content, hex
	ClientRef string // the job's client reference, chosen before the job exists
	Job       int64  // local job id; 0 before the job exists
	State     LedgerState
	Attempts  int        // jobs submitted for this content so far
	NextTry   *time.Time // when a failed content is tried again; nil = not
	Reason    string     // why it failed
	UpdatedAt time.Time
}

// LedgerClaim is what LedgerClaim decided for one file.
type LedgerClaim struct {
	Entry LedgerEntry
	// New is true when a row was inserted: state claimed (submit it with
	// Entry.ClientRef) or duplicate (its content is another row's job).
	// False means this content at this path was already in the ledger:
	// Entry is that row, with the size and mtime seen now.
	New bool
}

const ledgerColumns = `id, folder, preset, path, size, mtime_ns, dev, ino, hash, client_ref, job, state, attempts, next_try, reason, updated_at`

func scanLedger(sc scanner) (LedgerEntry, error) {
	var (
		e       LedgerEntry
		job     sql.NullInt64
		nextTry sql.NullInt64
		updated int64
		dev     int64
		ino     int64
	)
	if err := sc.Scan(&e.ID, &e.Folder, &e.Preset, &e.Path, &e.Size, &e.MtimeNS, &dev, &ino, &e.Hash, &e.ClientRef,
		&job, &e.State, &e.Attempts, &nextTry, &e.Reason, &updated); err != nil {
		return LedgerEntry{}, err
	}
	e.Job, e.Dev, e.Ino = job.Int64, uint64(dev), uint64(ino)
	if nextTry.Valid {
		t := fromMS(nextTry.Int64)
		e.NextTry = &t
	}
	e.UpdatedAt = fromMS(updated)
	return e, nil
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return unixMS(*t)
}

// LedgerClaim records the files in es (Folder, Preset, Path, Size, MtimeNS,
// Hash and a fresh ClientRef each) in one transaction, before any job
// exists, and says for each what it is:
//
//   - content already recorded at this path (an unchanged file, or one
//     only touched): that row, New false; its size and mtime are updated;
//   - content already recorded under another path of the same folder and
//     preset: a new row in state duplicate sharing the first row's job
//     (and client reference, so a first row still claimed is found too);
//   - otherwise: a new row in state claimed with the given ClientRef.
//
// The single writer connection serialises claims, so two watchers (or two
// names with one content in one batch) never both get a claimed row for
// one content.
func (s *Store) LedgerClaim(ctx context.Context, es []LedgerEntry) ([]LedgerClaim, error) {
	w, err := s.writer()
	if err != nil {
		return nil, fmt.Errorf("ledger claim: %w", err)
	}
	if len(es) == 0 {
		return nil, nil
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("ledger claim: begin: %w", err)
	}
	defer tx.Rollback()
	now := unixMS(nowMS())
	out := make([]LedgerClaim, len(es))
	for i, e := range es {
		if e.ClientRef == "" || e.Hash == "" {
			return nil, fmt.Errorf("ledger claim %s: empty client reference or hash", e.Path)
		}
		same, err := scanLedger(tx.QueryRowContext(ctx, `SELECT `+ledgerColumns+` FROM watch_ledger
			WHERE folder = ? AND preset = ? AND path = ? AND hash = ?`, e.Folder, e.Preset, e.Path, e.Hash))
		switch {
		case err == nil:
			if same.Size != e.Size || same.MtimeNS != e.MtimeNS || same.Dev != e.Dev || same.Ino != e.Ino {
				if _, err := tx.ExecContext(ctx, `UPDATE watch_ledger SET size = ?, mtime_ns = ?, dev = ?, ino = ?, updated_at = ? WHERE id = ?`,
					e.Size, e.MtimeNS, int64(e.Dev), int64(e.Ino), now, same.ID); err != nil {
					return nil, fmt.Errorf("ledger claim %s: %w", e.Path, err)
				}
				same.Size, same.MtimeNS, same.Dev, same.Ino = e.Size, e.MtimeNS, e.Dev, e.Ino
			}
			out[i] = LedgerClaim{Entry: same}
			continue
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("ledger claim %s: %w", e.Path, err)
		}
		e.State, e.Attempts, e.Job, e.NextTry, e.Reason = LedgerClaimed, 0, 0, nil, ""
		first, err := scanLedger(tx.QueryRowContext(ctx, `SELECT `+ledgerColumns+` FROM watch_ledger
			WHERE folder = ? AND preset = ? AND hash = ? AND state NOT IN ('duplicate', 'existing') ORDER BY id LIMIT 1`, e.Folder, e.Preset, e.Hash))
		switch {
		case err == nil:
			e.State, e.Job, e.ClientRef = LedgerDuplicate, first.Job, first.ClientRef
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("ledger claim %s: %w", e.Path, err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO watch_ledger(folder, preset, path, size, mtime_ns, dev, ino, hash, client_ref, job, state, attempts, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
			e.Folder, e.Preset, e.Path, e.Size, e.MtimeNS, int64(e.Dev), int64(e.Ino), e.Hash, e.ClientRef, nullID(e.Job), e.State, now)
		if err != nil {
			return nil, fmt.Errorf("ledger claim %s: %w", e.Path, err)
		}
		if e.ID, err = res.LastInsertId(); err != nil {
			return nil, fmt.Errorf("ledger claim %s: read id: %w", e.Path, err)
		}
		e.UpdatedAt = fromMS(now)
		out[i] = LedgerClaim{Entry: e, New: true}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("ledger claim: commit: %w", err)
	}
	return out, nil
}

// LedgerSubmitted marks row id submitted as job (created with client
// reference ref), counts the attempt, and points the rows holding the same
// content under other names (duplicates) at the job too. ids and jobIDs
// pair up; all rows change in one transaction.
func (s *Store) LedgerSubmitted(ctx context.Context, ids []int64, refs []string, jobIDs []int64) error {
	w, err := s.writer()
	if err != nil {
		return fmt.Errorf("ledger submitted: %w", err)
	}
	if len(ids) != len(jobIDs) || len(ids) != len(refs) {
		return fmt.Errorf("ledger submitted: %d rows, %d references, %d jobs", len(ids), len(refs), len(jobIDs))
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger submitted: begin: %w", err)
	}
	defer tx.Rollback()
	now := unixMS(nowMS())
	for i, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE watch_ledger SET state = 'submitted', job = ?, client_ref = ?,
			attempts = attempts + 1, next_try = NULL, updated_at = ? WHERE id = ?`, jobIDs[i], refs[i], now, id); err != nil {
			return fmt.Errorf("ledger submitted row %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE watch_ledger SET job = ?, updated_at = ?
			WHERE state = 'duplicate' AND (folder, preset, hash) = (SELECT folder, preset, hash FROM watch_ledger WHERE id = ?)`,
			jobIDs[i], now, id); err != nil {
			return fmt.Errorf("ledger submitted row %d: duplicates: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger submitted: commit: %w", err)
	}
	return nil
}

// LedgerRetry gives row id a new client reference and puts it back in
// state claimed before its next job is created (the same crash rule as a
// first claim).
func (s *Store) LedgerRetry(ctx context.Context, id int64, ref string) error {
	return s.ledgerExec(ctx, id, `UPDATE watch_ledger SET state = 'claimed', client_ref = ?, updated_at = ? WHERE id = ?`,
		ref, unixMS(nowMS()), id)
}

// LedgerSetState moves row id to state with the given next try (nil: none)
// and reason.
func (s *Store) LedgerSetState(ctx context.Context, id int64, state LedgerState, nextTry *time.Time, reason string) error {
	return s.ledgerExec(ctx, id, `UPDATE watch_ledger SET state = ?, next_try = ?, reason = ?, updated_at = ? WHERE id = ?`,
		state, nullTime(nextTry), reason, unixMS(nowMS()), id)
}

func (s *Store) ledgerExec(ctx context.Context, id int64, query string, args ...any) error {
	w, err := s.writer()
	if err != nil {
		return fmt.Errorf("ledger row %d: %w", id, err)
	}
	res, err := w.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("ledger row %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("ledger row %d: %w", id, jobs.ErrNotFound)
	}
	return nil
}

// LedgerByJob returns the rows that point at job: the content submitted as
// it and its duplicates, oldest first.
func (s *Store) LedgerByJob(ctx context.Context, job int64) ([]LedgerEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+ledgerColumns+` FROM watch_ledger WHERE job = ? ORDER BY id`, job)
	if err != nil {
		return nil, fmt.Errorf("ledger rows of job %d: %w", job, err)
	}
	defer rows.Close()
	var out []LedgerEntry
	for rows.Next() {
		e, err := scanLedger(rows)
		if err != nil {
			return nil, fmt.Errorf("ledger rows of job %d: %w", job, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger rows of job %d: %w", job, err)
	}
	return out, nil
}

// LedgerLoad streams every row of folder and preset to fn, oldest first
// (so a later row of a path overrides an earlier one), in one read.
func (s *Store) LedgerLoad(ctx context.Context, folder, preset string, fn func(LedgerEntry)) error {
	rows, err := s.r.QueryContext(ctx, `SELECT `+ledgerColumns+` FROM watch_ledger WHERE folder = ? AND preset = ? ORDER BY id`, folder, preset)
	if err != nil {
		return fmt.Errorf("load ledger of %s: %w", folder, err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanLedger(rows)
		if err != nil {
			return fmt.Errorf("load ledger of %s: %w", folder, err)
		}
		fn(e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load ledger of %s: %w", folder, err)
	}
	return nil
}
