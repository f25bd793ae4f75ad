package store

import (
	"context"
	"fmt"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// goneEngineRows is how long the row of an engine that never said goodbye
// (a crash) is kept: far beyond any lease, only so the table stays small.
const goneEngineRows = 24 * time.Hour

// JoinEngines records engine id as running on this database, with a
// heartbeat of now; rows of engines gone for a day are dropped.
func (s *Store) JoinEngines(ctx context.Context, id string) error {
	now := time.Now()
	if err := s.execLease(ctx, "join engines", `DELETE FROM engines WHERE beat < ?`, unixMS(now.Add(-goneEngineRows))); err != nil {
		return err
	}
	return s.execLease(ctx, "join engines", `INSERT INTO engines (id, beat) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET beat = excluded.beat`, id, unixMS(now))
}

// Beat renews engine id's heartbeat.
func (s *Store) Beat(ctx context.Context, id string) error {
	return s.execLease(ctx, "engine heartbeat", `UPDATE engines SET beat = ? WHERE id = ?`, unixMS(time.Now()), id)
}

// LeaveEngines removes engine id: its unfinished uploads may be resumed at
// once by the next engine.
func (s *Store) LeaveEngines(ctx context.Context, id string) error {
	return s.execLease(ctx, "leave engines", `DELETE FROM engines WHERE id = ?`, id)
}

func (s *Store) execLease(ctx context.Context, what, query string, args ...any) error {
	w, err := s.writer()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, err := w.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// TakeOver gives engine owner the upload of job id, left 'uploading' by an
// engine that is gone: one that left, never heartbeat since staleAfter
// ago, or none recorded (a row from before leases). The UPDATE's WHERE
// clause makes it exclusive, as Claim's does. ok is false when the job is
// no longer uploading or its claimer is alive; job is the row as it stands.
func (s *Store) TakeOver(ctx context.Context, id int64, owner string, staleAfter time.Duration) (job jobs.Job, ok bool, err error) {
	w, err := s.writer()
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("take over job %d: %w", id, err)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("take over job %d: begin: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET claimed_by = ? WHERE id = ? AND status = ?
		AND (claimed_by IS NULL OR claimed_by NOT IN (SELECT id FROM engines WHERE beat >= ?))`,
		owner, id, jobs.StatusUploading, unixMS(time.Now().Add(-staleAfter)))
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("take over job %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("take over job %d: %w", id, err)
	}
	if n == 1 {
		if _, err := tx.ExecContext(ctx, `UPDATE engines SET beat = ? WHERE id = ?`, unixMS(time.Now()), owner); err != nil {
			return jobs.Job{}, false, fmt.Errorf("take over job %d: heartbeat: %w", id, err)
		}
	}
	if job, err = getJob(ctx, tx, id); err != nil {
		return jobs.Job{}, false, fmt.Errorf("take over job %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return jobs.Job{}, false, fmt.Errorf("take over job %d: commit: %w", id, err)
	}
	return job, n == 1, nil
}
