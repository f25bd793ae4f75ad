package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// OutputFile is a result file the app wrote beside a document, as the
// history remembers it.
type OutputFile struct {
	Path    string    // absolute
	Doc     string    // the document it was written beside (absolute)
	Job     int64     // the job whose result it holds
	Size    int64     // bytes, as written
	ModTime time.Time // as written (nanoseconds kept)
}

// RecordOutputs records files written for job id: their paths join the
// job's outputs (once each, in order) and each becomes the app's own file
// for its document (OutputOwned), in one transaction. It returns the job
// as stored. A final job otherwise never changes; outputs are written
// after completion, so the status is not looked at.
func (s *Store) RecordOutputs(ctx context.Context, id int64, files []OutputFile) (jobs.Job, error) {
	w, err := s.writer()
	if err != nil {
		return jobs.Job{}, fmt.Errorf("record outputs of job %d: %w", id, err)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return jobs.Job{}, fmt.Errorf("record outputs of job %d: begin: %w", id, err)
	}
	defer tx.Rollback()
	cur, err := getJob(ctx, tx, id)
	if err != nil {
		return jobs.Job{}, fmt.Errorf("record outputs of job %d: %w", id, err)
	}
	paths := slices.Clone(cur.Outputs)
	now := unixMS(nowMS())
	for _, f := range files {
		if !filepath.IsAbs(f.Path) || !filepath.IsAbs(f.Doc) {
			return jobs.Job{}, fmt.Errorf("record outputs of job %d: %q beside %q: paths must be absolute", id, f.Path, f.Doc)
		}
		if !slices.Contains(paths, f.Path) {
			paths = append(paths, f.Path)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO output_files(path, doc, job, size, mtime_ns, written) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT(path) DO UPDATE SET doc = excluded.doc, job = excluded.job, size = excluded.size, mtime_ns = excluded.mtime_ns, written = excluded.written`,
			f.Path, f.Doc, id, f.Size, f.ModTime.UnixNano(), now); err != nil {
			return jobs.Job{}, fmt.Errorf("record outputs of job %d: %s: %w", id, f.Path, err)
		}
	}
	enc := ""
	if len(paths) > 0 {
		b, err := json.Marshal(paths)
		if err != nil {
			return jobs.Job{}, fmt.Errorf("record outputs of job %d: %w", id, err)
		}
		enc = string(b)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET outputs = ?, updated_at = ? WHERE id = ?`, enc, now, id); err != nil {
		return jobs.Job{}, fmt.Errorf("record outputs of job %d: %w", id, err)
	}
	j, err := getJob(ctx, tx, id)
	if err != nil {
		return jobs.Job{}, fmt.Errorf("record outputs of job %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return jobs.Job{}, fmt.Errorf("record outputs of job %d: commit: %w", id, err)
	}
	return j, nil
}

// OutputOwned reports whether path is a file the app wrote beside doc and
// that nobody changed since: the history records path as an output written
// beside the same document, and the file on disk still has the size and
// modification time it had when written. Anything else is someone else's
// file: a name recorded for another document (invoice.pdf and
// invoice.docx share invoice.parse.md), a file the user edited or put in
// place of ours, or one the history never saw. Re-processing a changed
// document thus replaces its own previous outputs, and nothing else.
func (s *Store) OutputOwned(ctx context.Context, path, doc string) (bool, error) {
	var (
		recDoc  string
		size    int64
		mtimeNS int64
	)
	err := s.r.QueryRowContext(ctx, `SELECT doc, size, mtime_ns FROM output_files WHERE path = ?`, path).Scan(&recDoc, &size, &mtimeNS)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("is %s the app's own file: %w", path, err)
	}
	if recDoc != doc {
		return false, nil
	}
	fi, err := os.Lstat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("is %s the app's own file: %w", path, err)
	}
	return fi.Mode().IsRegular() && fi.Size() == size && fi.ModTime().UnixNano() == mtimeNS, nil
}

// OutputsDue returns the completed jobs whose results are to be written
// beside their document (Options.Outputs is beside) and have none
// recorded, oldest first: the app stopped before writing them, or the
// folder refused them last time.
func (s *Store) OutputsDue(ctx context.Context) ([]jobs.Job, error) {
	// The WHERE clause repeats the partial index jobs_outputs_due word for
	// word, and the index is named: the planner would otherwise pick
	// jobs_status and decode the options of every completed job.
	js, err := s.queryJobs(ctx, `SELECT `+jobColumns+` FROM jobs INDEXED BY jobs_outputs_due
		WHERE status = 'completed' AND outputs = '' AND json_extract(options, '$.outputs') = 'beside' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list jobs with results to write: %w", err)
	}
	return js, nil
}

// AddTimeline appends a line to job id's timeline without a status change
// (e.g. "results not written: ..."), shown with the job's current status.
// A line equal to the job's last one is not repeated, so a folder that
// refuses the results at every start does not fill the timeline.
func (s *Store) AddTimeline(ctx context.Context, id int64, detail string) error {
	w, err := s.writer()
	if err != nil {
		return fmt.Errorf("add to the timeline of job %d: %w", id, err)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add to the timeline of job %d: begin: %w", id, err)
	}
	defer tx.Rollback()
	cur, err := getJob(ctx, tx, id)
	if err != nil {
		return fmt.Errorf("add to the timeline of job %d: %w", id, err)
	}
	var last string
	err = tx.QueryRowContext(ctx, `SELECT detail FROM transitions WHERE job = ? ORDER BY id DESC LIMIT 1`, id).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("add to the timeline of job %d: %w", id, err)
	}
	if err == nil && last == detail {
		return nil
	}
	if _, err := tx.StmtContext(ctx, s.insTrans).ExecContext(ctx, id, cur.Status, cur.Status, unixMS(nowMS()), detail); err != nil {
		return fmt.Errorf("add to the timeline of job %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add to the timeline of job %d: commit: %w", id, err)
	}
	return nil
}
