package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// jobColumns is the column list every job query reads, in scanJob's order.
// It leaves out results on purpose: they live in their own table.
const jobColumns = `id, job_id, file, kind, status, webhook, client_ref, options, error, size, pages, studio_link, retry_of, created_at, updated_at, completed_at, source, preset, parent_id, outputs, credits, category`

// unfinishedSQL lists the non-final statuses for SQL, kept in one place with
// Status.Final.
const unfinishedSQL = `('queued', 'uploading', 'pending', 'running')`

type scanner interface{ Scan(dest ...any) error }

func scanJob(sc scanner) (jobs.Job, error) {
	var (
		j         jobs.Job
		opts      string
		retryOf   sql.NullInt64
		created   int64
		updated   int64
		completed sql.NullInt64
		parent    sql.NullInt64
		outputs   string
		credits   sql.NullFloat64
	)
	if err := sc.Scan(&j.ID, &j.JobID, &j.File, &j.Kind, &j.Status, &j.Webhook, &j.ClientRef, &opts,
		&j.Error, &j.Size, &j.Pages, &j.StudioLink, &retryOf, &created, &updated, &completed,
		&j.Source, &j.Preset, &parent, &outputs, &credits, &j.Category); err != nil {
		return jobs.Job{}, err
	}
	if err := json.Unmarshal([]byte(opts), &j.Options); err != nil {
		return jobs.Job{}, fmt.Errorf("job %d: decode options: %w", j.ID, err)
	}
	j.RetryOf = retryOf.Int64
	j.ParentID = parent.Int64
	if outputs != "" {
		if err := json.Unmarshal([]byte(outputs), &j.Outputs); err != nil {
			return jobs.Job{}, fmt.Errorf("job %d: decode outputs: %w", j.ID, err)
		}
	}
	if credits.Valid {
		c := credits.Float64
		j.Credits = &c
	}
	j.CreatedAt = fromMS(created)
	j.UpdatedAt = fromMS(updated)
	if completed.Valid {
		t := fromMS(completed.Int64)
		j.CompletedAt = &t
	}
	return j, nil
}

// queryer is what both *sql.DB and *sql.Tx offer for reading one job.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getJob(ctx context.Context, q queryer, id int64) (jobs.Job, error) {
	j, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return jobs.Job{}, jobs.ErrNotFound
	}
	return j, err
}

// nowMS is the current time at the store's precision, so that what Create
// and Update return equals what a later Get reads.
func nowMS() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Create inserts queued jobs in one transaction and returns them with ids.
// Each job needs a ClientRef; Kind and Webhook default to those in its
// Options. CreatedAt and UpdatedAt default to now.
func (s *Store) Create(ctx context.Context, js []jobs.Job) ([]jobs.Job, error) {
	w, err := s.writer()
	if err != nil {
		return nil, fmt.Errorf("create jobs: %w", err)
	}
	if len(js) == 0 {
		return nil, nil
	}
	now := nowMS()
	out := make([]jobs.Job, len(js))
	opts := make([][]byte, len(js))
	for i, j := range js {
		if j.ClientRef == "" {
			return nil, fmt.Errorf("create job for %s: empty client reference", j.File)
		}
		if j.Kind == "" {
			j.Kind = j.Options.Kind
		}
		if !j.Kind.Valid() {
			return nil, fmt.Errorf("create job for %s: invalid kind %q", j.File, j.Kind)
		}
		if j.Webhook == "" {
			j.Webhook = j.Options.Webhook
		}
		if j.Webhook == "" {
			j.Webhook = jobs.WebhookNone
		}
		if !j.Webhook.Valid() {
			return nil, fmt.Errorf("create job for %s: invalid webhook mode %q", j.File, j.Webhook)
		}
		j.Status = jobs.StatusQueued
		j.CompletedAt = nil
		j.Source, j.Preset, j.ParentID, j.Category = j.Options.Source, j.Options.Preset, j.Options.ParentID, j.Options.Category
		if j.CreatedAt.IsZero() {
			j.CreatedAt = now
		}
		j.CreatedAt = j.CreatedAt.UTC().Truncate(time.Millisecond)
		if j.UpdatedAt.IsZero() {
			j.UpdatedAt = j.CreatedAt
		}
		j.UpdatedAt = j.UpdatedAt.UTC().Truncate(time.Millisecond)
		if opts[i], err = json.Marshal(j.Options); err != nil {
			return nil, fmt.Errorf("create job for %s: encode options: %w", j.File, err)
		}
		out[i] = j
	}

	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("create jobs: begin: %w", err)
	}
	defer tx.Rollback()
	ins := tx.StmtContext(ctx, s.insJob)
	tr := tx.StmtContext(ctx, s.insTrans)
	for i := range out {
		j := &out[i]
		res, err := ins.ExecContext(ctx, j.JobID, j.File, filepath.Base(j.File), j.Kind, j.Status, j.Webhook,
			j.ClientRef, opts[i], j.Error, j.Size, j.Pages, j.StudioLink, nullID(j.RetryOf),
			unixMS(j.CreatedAt), unixMS(j.UpdatedAt), j.Source, j.Preset, nullID(j.ParentID), j.Category)
		if err != nil {
			return nil, fmt.Errorf("create job for %s: %w", j.File, err)
		}
		if j.ID, err = res.LastInsertId(); err != nil {
			return nil, fmt.Errorf("create job for %s: read id: %w", j.File, err)
		}
		if _, err := tr.ExecContext(ctx, j.ID, "", j.Status, unixMS(j.CreatedAt), ""); err != nil {
			return nil, fmt.Errorf("create job for %s: record transition: %w", j.File, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("create jobs: commit: %w", err)
	}
	return out, nil
}

// Update moves job id to status to, applying p, in one transaction. It is
// the one place where concurrent news about a job (a webhook and a poll)
// meet, so it is idempotent:
//
//   - a final job never changes: it returns the job as stored, false, nil;
//   - a status of lower rank than the current one is ignored the same way;
//   - the same status applies p (e.g. pages learnt later) if p changes
//     anything;
//   - a new status writes a timeline row with p.Detail, and a final one
//     sets CompletedAt.
//
// changed reports whether the row was modified; the job returned is the row
// after the call. p.Result, when not nil, is stored compressed in the same
// transaction.
func (s *Store) Update(ctx context.Context, id int64, to jobs.Status, p Patch) (jobs.Job, bool, error) {
	w, err := s.writer()
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("update job %d: %w", id, err)
	}
	if !to.Valid() {
		return jobs.Job{}, false, fmt.Errorf("update job %d: invalid status %q", id, to)
	}
	var blob []byte
	if p.Result != nil {
		// Compress before taking the write lock: it is the slow part.
		if blob, err = compress(p.Result); err != nil {
			return jobs.Job{}, false, fmt.Errorf("update job %d: compress result: %w", id, err)
		}
	}

	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("update job %d: begin: %w", id, err)
	}
	defer tx.Rollback()
	cur, err := getJob(ctx, tx, id)
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("update job %d: %w", id, err)
	}
	if cur.Status.Final() || to.Rank() < cur.Status.Rank() {
		return cur, false, nil
	}
	next, patched := applyPatch(cur, p)
	statusChange := to != cur.Status
	if !statusChange && !patched && p.Result == nil && p.Document == nil {
		return cur, false, nil
	}
	now := nowMS()
	next.Status = to
	next.UpdatedAt = now
	var completed any
	if to.Final() {
		next.CompletedAt = &now
		completed = unixMS(now)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET job_id = ?, status = ?, error = ?, pages = ?, studio_link = ?, updated_at = ?, completed_at = ?, credits = ?, category = ? WHERE id = ?`,
		next.JobID, next.Status, next.Error, next.Pages, next.StudioLink, unixMS(now), completed, nullFloat(next.Credits), next.Category, id); err != nil {
		return jobs.Job{}, false, fmt.Errorf("update job %d to %s: %w", id, to, err)
	}
	if statusChange {
		if _, err := tx.StmtContext(ctx, s.insTrans).ExecContext(ctx, id, cur.Status, to, unixMS(now), p.Detail); err != nil {
			return jobs.Job{}, false, fmt.Errorf("update job %d to %s: record transition: %w", id, to, err)
		}
	}
	if blob != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO results(job, encoding, size, compressed) VALUES (?, 'gzip', ?, ?)
			ON CONFLICT(job) DO UPDATE SET encoding = excluded.encoding, size = excluded.size, compressed = excluded.compressed`,
			id, len(p.Result), blob); err != nil {
			return jobs.Job{}, false, fmt.Errorf("update job %d: store result: %w", id, err)
		}
	}
	if err := putDocument(ctx, tx, id, p.Document); err != nil {
		return jobs.Job{}, false, fmt.Errorf("update job %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return jobs.Job{}, false, fmt.Errorf("update job %d to %s: commit: %w", id, to, err)
	}
	return next, true, nil
}

// Claim moves job id from queued to uploading if, and only if, it is still
// queued, and records the transition with detail. The UPDATE's WHERE clause
// makes the claim exclusive in SQL: of two engines sharing one database (a
// relaunch while the first is still quitting) exactly one changes the row,
// so a document is never uploaded twice. ok is false when the job was not
// queued (claimed elsewhere, cancelled); job is then the row as it stands.
// owner is the claiming engine (JoinEngines): while its heartbeat is fresh,
// no other engine resumes the upload (TakeOver).
func (s *Store) Claim(ctx context.Context, id int64, owner, detail string) (job jobs.Job, ok bool, err error) {
	w, err := s.writer()
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("claim job %d: %w", id, err)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("claim job %d: begin: %w", id, err)
	}
	defer tx.Rollback()
	// The write comes first, so the transaction takes the write lock at
	// once instead of upgrading a read snapshot another writer outdated.
	now := nowMS()
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = ?, updated_at = ?, claimed_by = ? WHERE id = ? AND status = ?`,
		jobs.StatusUploading, unixMS(now), owner, id, jobs.StatusQueued)
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("claim job %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("claim job %d: %w", id, err)
	}
	if n == 1 {
		if _, err := tx.StmtContext(ctx, s.insTrans).ExecContext(ctx, id, jobs.StatusQueued, jobs.StatusUploading, unixMS(now), detail); err != nil {
			return jobs.Job{}, false, fmt.Errorf("claim job %d: record transition: %w", id, err)
		}
		// The owner's heartbeat counts from its latest claim: an engine
		// idle for an hour is alive the moment it claims.
		if _, err := tx.ExecContext(ctx, `UPDATE engines SET beat = ? WHERE id = ?`, unixMS(now), owner); err != nil {
			return jobs.Job{}, false, fmt.Errorf("claim job %d: heartbeat: %w", id, err)
		}
	}
	if job, err = getJob(ctx, tx, id); err != nil {
		return jobs.Job{}, false, fmt.Errorf("claim job %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return jobs.Job{}, false, fmt.Errorf("claim job %d: commit: %w", id, err)
	}
	return job, n == 1, nil
}

// applyPatch returns j with p's fields set and whether any of them differed.
func applyPatch(j jobs.Job, p Patch) (jobs.Job, bool) {
	changed := false
	if p.JobID != nil && *p.JobID != j.JobID {
		j.JobID, changed = *p.JobID, true
	}
	if p.Error != nil && *p.Error != j.Error {
		j.Error, changed = *p.Error, true
	}
	if p.Pages != nil && *p.Pages != j.Pages {
		j.Pages, changed = *p.Pages, true
	}
	if p.StudioLink != nil && *p.StudioLink != j.StudioLink {
		j.StudioLink, changed = *p.StudioLink, true
	}
	if p.Credits != nil && (j.Credits == nil || *p.Credits != *j.Credits) {
		c := *p.Credits
		j.Credits, changed = &c, true
	}
	if p.Category != nil && *p.Category != j.Category {
		j.Category, changed = *p.Category, true
	}
	return j, changed
}

// Get returns job id.
func (s *Store) Get(ctx context.Context, id int64) (jobs.Job, error) {
	j, err := getJob(ctx, s.r, id)
	if err != nil {
		return jobs.Job{}, fmt.Errorf("get job %d: %w", id, err)
	}
	return j, nil
}

// GetByJobID returns the job with Reducto job id jobID (the newest, should
// several share it).
func (s *Store) GetByJobID(ctx context.Context, jobID string) (jobs.Job, error) {
	if jobID == "" {
		return jobs.Job{}, fmt.Errorf("get job by Reducto id: empty id: %w", jobs.ErrNotFound)
	}
	j, err := scanJob(s.r.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE job_id = ? ORDER BY id DESC LIMIT 1`, jobID))
	if errors.Is(err, sql.ErrNoRows) {
		err = jobs.ErrNotFound
	}
	if err != nil {
		return jobs.Job{}, fmt.Errorf("get job by Reducto id %s: %w", jobID, err)
	}
	return j, nil
}

// GetByClientRef returns the job submitted with client reference ref.
func (s *Store) GetByClientRef(ctx context.Context, ref string) (jobs.Job, error) {
	if ref == "" {
		return jobs.Job{}, fmt.Errorf("get job by client reference: empty reference: %w", jobs.ErrNotFound)
	}
	j, err := scanJob(s.r.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE client_ref = ?`, ref))
	if errors.Is(err, sql.ErrNoRows) {
		err = jobs.ErrNotFound
	}
	if err != nil {
		return jobs.Job{}, fmt.Errorf("get job by client reference %s: %w", ref, err)
	}
	return j, nil
}

// Unfinished returns every job whose status is not final, oldest first.
func (s *Store) Unfinished(ctx context.Context) ([]jobs.Job, error) {
	js, err := s.queryJobs(ctx, `SELECT `+jobColumns+` FROM jobs WHERE status IN `+unfinishedSQL+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list unfinished jobs: %w", err)
	}
	return js, nil
}

// Timeline returns the transitions of job id, oldest first.
func (s *Store) Timeline(ctx context.Context, id int64) ([]jobs.Transition, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT job, from_status, to_status, at, detail FROM transitions WHERE job = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("timeline of job %d: %w", id, err)
	}
	defer rows.Close()
	var ts []jobs.Transition
	for rows.Next() {
		var t jobs.Transition
		var at int64
		if err := rows.Scan(&t.JobID, &t.From, &t.To, &at, &t.Detail); err != nil {
			return nil, fmt.Errorf("timeline of job %d: %w", id, err)
		}
		t.At = fromMS(at)
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("timeline of job %d: %w", id, err)
	}
	return ts, nil
}

// queryJobs runs a query selecting jobColumns on the read pool.
func (s *Store) queryJobs(ctx context.Context, query string, args ...any) ([]jobs.Job, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var js []jobs.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		js = append(js, j)
	}
	return js, rows.Err()
}
