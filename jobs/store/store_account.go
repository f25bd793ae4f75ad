package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

const accountColumns = `id, job_id, kind, status, name, channels, webhook, metadata, error, pages, credits, seen_via, created_at, updated_at, completed_at`

func scanAccountJob(sc scanner) (jobs.AccountJob, error) {
	var (
		a                     jobs.AccountJob
		channels, meta        string
		credits               sql.NullFloat64
		created, updated      int64
		completed             sql.NullInt64
		kind, status, webhook string
	)
	if err := sc.Scan(&a.ID, &a.JobID, &kind, &status, &a.Name, &channels, &webhook, &meta, &a.Error,
		&a.Pages, &credits, &a.SeenVia, &created, &updated, &completed); err != nil {
		return a, err
	}
	a.Kind, a.Status, a.Webhook = jobs.Kind(kind), jobs.Status(status), jobs.WebhookMode(webhook)
	if channels != "" {
		_ = json.Unmarshal([]byte(channels), &a.Channels) // written by us; a bad value reads as none
	}
	if meta != "" {
		a.Metadata = json.RawMessage(meta)
	}
	if credits.Valid {
		c := credits.Float64
		a.Credits = &c
	}
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	if completed.Valid {
		t := fromMS(completed.Int64)
		a.CompletedAt = &t
	}
	return a, nil
}

// UpsertAccountJob records what was seen of an account job (one this
// install did not submit): a new row, or the known row merged with seen.
// The status never moves back along the lifecycle (a listing older than a
// webhook changes nothing), empty fields of seen keep what is known, and
// completed_at is set once, when the job is first seen final. changed
// reports whether anything was written, so a caller publishes (and the
// notifier hears) each change once.
func (s *Store) UpsertAccountJob(ctx context.Context, seen jobs.AccountJob) (job jobs.AccountJob, changed bool, err error) {
	w, err := s.writer()
	if err != nil {
		return job, false, fmt.Errorf("record account job %s: %w", seen.JobID, err)
	}
	if seen.JobID == "" || !seen.Status.Valid() {
		return job, false, fmt.Errorf("record account job %q: need a job id and a status (got %q)", seen.JobID, seen.Status)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return job, false, fmt.Errorf("record account job %s: begin: %w", seen.JobID, err)
	}
	defer tx.Rollback()
	cur, err := scanAccountJob(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM account_jobs WHERE job_id = ?`, seen.JobID))
	isNew := errors.Is(err, sql.ErrNoRows)
	if err != nil && !isNew {
		return job, false, fmt.Errorf("record account job %s: read: %w", seen.JobID, err)
	}
	now := nowMS()
	next := mergeAccount(cur, seen, isNew, now)
	if !isNew && sameAccount(cur, next) {
		return cur, false, nil
	}
	next.UpdatedAt = now
	channels := ""
	if len(next.Channels) > 0 {
		b, _ := json.Marshal(next.Channels)
		channels = string(b)
	}
	var completed any
	if next.CompletedAt != nil {
		completed = unixMS(*next.CompletedAt)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO account_jobs(job_id, kind, status, name, channels, webhook, metadata, error, pages, credits, seen_via, created_at, updated_at, completed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(job_id) DO UPDATE SET kind = excluded.kind, status = excluded.status, name = excluded.name,
			channels = excluded.channels, webhook = excluded.webhook, metadata = excluded.metadata, error = excluded.error,
			pages = excluded.pages, credits = excluded.credits, seen_via = excluded.seen_via, created_at = excluded.created_at,
			updated_at = excluded.updated_at, completed_at = excluded.completed_at`,
		next.JobID, next.Kind, next.Status, next.Name, channels, next.Webhook, string(next.Metadata), next.Error,
		next.Pages, nullFloat(next.Credits), next.SeenVia, unixMS(next.CreatedAt), unixMS(now), completed)
	if err != nil {
		return job, false, fmt.Errorf("record account job %s: %w", seen.JobID, err)
	}
	if isNew {
		if next.ID, err = res.LastInsertId(); err != nil {
			return job, false, fmt.Errorf("record account job %s: row id: %w", seen.JobID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return job, false, fmt.Errorf("record account job %s: commit: %w", seen.JobID, err)
	}
	return next, true, nil
}

// mergeAccount is cur with what seen adds.
func mergeAccount(cur, seen jobs.AccountJob, isNew bool, now time.Time) jobs.AccountJob {
	if isNew {
		cur = jobs.AccountJob{JobID: seen.JobID, Status: seen.Status, CreatedAt: now}
	}
	if seen.Status.Rank() > cur.Status.Rank() {
		cur.Status = seen.Status
	}
	if cur.Status.Final() && cur.CompletedAt == nil {
		t := now
		cur.CompletedAt = &t
	}
	if !seen.CreatedAt.IsZero() {
		cur.CreatedAt = seen.CreatedAt.UTC().Truncate(time.Millisecond)
	}
	if seen.Kind != "" {
		cur.Kind = seen.Kind
	}
	if seen.Name != "" {
		cur.Name = seen.Name
	}
	if len(seen.Channels) > 0 {
		cur.Channels = seen.Channels
	}
	if seen.Webhook != "" {
		cur.Webhook = seen.Webhook
	}
	if len(seen.Metadata) > 0 && string(seen.Metadata) != "null" {
		cur.Metadata = seen.Metadata
	}
	if seen.Error != "" && cur.Status == jobs.StatusFailed {
		cur.Error = seen.Error
	}
	if seen.Pages > 0 {
		cur.Pages = seen.Pages
	}
	if seen.Credits != nil {
		c := *seen.Credits
		cur.Credits = &c
	}
	if seen.SeenVia != "" {
		cur.SeenVia = seen.SeenVia
	}
	return cur
}

// sameAccount reports whether writing b over a would change nothing a
// person sees (how it was last seen is not worth a write on its own).
func sameAccount(a, b jobs.AccountJob) bool {
	ca, cb := a.Credits, b.Credits
	return a.Status == b.Status && a.Kind == b.Kind && a.Name == b.Name && a.Webhook == b.Webhook &&
		fmt.Sprint(a.Channels) == fmt.Sprint(b.Channels) && string(a.Metadata) == string(b.Metadata) &&
		a.Error == b.Error && a.Pages == b.Pages && a.CreatedAt.Equal(b.CreatedAt) &&
		(ca == nil) == (cb == nil) && (ca == nil || *ca == *cb)
}

// AccountQuery pages through account jobs, newest first.
type AccountQuery struct {
	// Before continues after the last job of the previous page; the zero
	// value starts at the newest.
	Before jobs.AccountJob
	Limit  int // default 200
}

// AccountJobs lists account jobs newest first (by Reducto's creation time).
func (s *Store) AccountJobs(ctx context.Context, q AccountQuery) ([]jobs.AccountJob, error) {
	if q.Limit <= 0 {
		q.Limit = 200
	}
	query, args := `SELECT `+accountColumns+` FROM account_jobs ORDER BY created_at DESC, id DESC LIMIT ?`, []any{q.Limit}
	if q.Before.ID != 0 {
		query = `SELECT ` + accountColumns + ` FROM account_jobs WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?`
		args = []any{unixMS(q.Before.CreatedAt), q.Before.ID, q.Limit}
	}
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list account jobs: %w", err)
	}
	defer rows.Close()
	var out []jobs.AccountJob
	for rows.Next() {
		a, err := scanAccountJob(rows)
		if err != nil {
			return nil, fmt.Errorf("list account jobs: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list account jobs: %w", err)
	}
	return out, nil
}

// AccountJob returns the account job with Reducto id jobID, or
// jobs.ErrNotFound.
func (s *Store) AccountJob(ctx context.Context, jobID string) (jobs.AccountJob, error) {
	a, err := scanAccountJob(s.r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM account_jobs WHERE job_id = ?`, jobID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, jobs.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("account job %s: %w", jobID, err)
	}
	return a, nil
}

// IsLocalJob reports whether the history holds Reducto job jobID or a job
// submitted with client reference ref (a submission whose answer is not
// recorded yet): either way the job is this install's, not the account's.
func (s *Store) IsLocalJob(ctx context.Context, jobID, ref string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE (job_id = ? AND job_id != '') OR (client_ref = ? AND client_ref != '')`, jobID, ref).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("is %s ours: %w", jobID, err)
	}
	return n > 0, nil
}

// State reads a remembered value ("" when unset).
func (s *Store) State(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM app_state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read state %s: %w", key, err)
	}
	return v, nil
}

// SetState remembers value under key.
func (s *Store) SetState(ctx context.Context, key, value string) error {
	w, err := s.writer()
	if err != nil {
		return fmt.Errorf("write state %s: %w", key, err)
	}
	if _, err := w.ExecContext(ctx, `INSERT INTO app_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("write state %s: %w", key, err)
	}
	return nil
}

// SetStateIf writes value under key only if it is not already value, and
// reports whether it wrote: two callers racing to do something once (a
// budget notification) see true exactly once.
func (s *Store) SetStateIf(ctx context.Context, key, value string) (bool, error) {
	w, err := s.writer()
	if err != nil {
		return false, fmt.Errorf("write state %s: %w", key, err)
	}
	res, err := w.ExecContext(ctx, `INSERT INTO app_state(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value`, key, value)
	if err != nil {
		return false, fmt.Errorf("write state %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("write state %s: %w", key, err)
	}
	return n == 1, nil
}

// pruneAccountBatch bounds one delete of PruneAccountJobs, so the one
// writer connection is never held long by a large backlog: other writes
// (a completion, a webhook's delivery id) wait for one batch at most.
var pruneAccountBatch = 2000 // a var: a test makes it small

// PruneAccountJobs deletes the account jobs Reducto created before
// olderThan, a batch at a time, and returns how many it removed. The
// usage they counted stays: usage_buckets has no delete trigger on
// account_jobs, so the usage chart and the monthly budget keep them.
func (s *Store) PruneAccountJobs(ctx context.Context, olderThan time.Time) (int64, error) {
	w, err := s.writer()
	if err != nil {
		return 0, fmt.Errorf("prune account jobs: %w", err)
	}
	var total int64
	for {
		res, err := w.ExecContext(ctx, `DELETE FROM account_jobs WHERE id IN
			(SELECT id FROM account_jobs WHERE created_at < ? ORDER BY created_at LIMIT ?)`, unixMS(olderThan), pruneAccountBatch)
		if err != nil {
			return total, fmt.Errorf("prune account jobs before %s: %w", olderThan.Format(time.RFC3339), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("prune account jobs: %w", err)
		}
		total += n
		if n < int64(pruneAccountBatch) {
			return total, nil
		}
	}
}
