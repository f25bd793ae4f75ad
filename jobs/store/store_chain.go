package store

import (
	"context"
	"fmt"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// Children returns the jobs chained on the parse id (extracts and splits
// run on its result with jobid://), oldest first, so the detail view can
// link a parse to what was made of it as well as the other way round. The
// partial index jobs_parent keeps this cheap however long the history.
func (s *Store) Children(ctx context.Context, id int64) ([]jobs.Job, error) {
	js, err := s.queryJobs(ctx, `SELECT `+jobColumns+` FROM jobs WHERE parent_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("children of job %d: %w", id, err)
	}
	return js, nil
}

// HasChild reports whether the parse id already has a chained job with the
// preset name: a parse's "then" runs once, however often its completion is
// seen (a restart, a webhook and a poll).
func (s *Store) HasChild(ctx context.Context, id int64, preset string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE parent_id = ? AND preset = ?`, id, preset).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("chained jobs of job %d: %w", id, err)
	}
	return n > 0, nil
}

// ThenDue returns the parses completed since that name a "then" preset
// and have no chained job yet: their completion was recorded but the app
// stopped before it submitted the chained job. Older parses are left
// alone: Reducto keeps a parse about 12 hours.
func (s *Store) ThenDue(ctx context.Context, since time.Time) ([]jobs.Job, error) {
	js, err := s.queryJobs(ctx, `SELECT `+jobColumns+` FROM jobs AS p
		WHERE p.kind = 'parse' AND p.status = 'completed' AND p.completed_at >= ?
		AND coalesce(json_extract(p.options, '$.then'), '') != ''
		AND NOT EXISTS (SELECT 1 FROM jobs AS c WHERE c.parent_id = p.id)
		ORDER BY p.id`, unixMS(since))
	if err != nil {
		return nil, fmt.Errorf("parses due their then: %w", err)
	}
	return js, nil
}

// RoutesDue returns the classify jobs completed since whose options carry
// routes and that have no routed job yet: their category was recorded but
// the app stopped before it sent the document on (the engine checks that
// the category has a route). Older ones are left alone, as ThenDue does.
func (s *Store) RoutesDue(ctx context.Context, since time.Time) ([]jobs.Job, error) {
	js, err := s.queryJobs(ctx, `SELECT `+jobColumns+` FROM jobs AS p
		WHERE p.kind = 'classify' AND p.status = 'completed' AND p.completed_at >= ?
		AND p.category != '' AND json_extract(p.options, '$.routes') IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM jobs AS c WHERE c.parent_id = p.id)
		ORDER BY p.id`, unixMS(since))
	if err != nil {
		return nil, fmt.Errorf("classify jobs due their route: %w", err)
	}
	return js, nil
}

// ParseOf returns the newest completed parse of file, of size bytes,
// completed since (Reducto still has it), that Reducto knows by id: a
// route to an extract or split runs on it with jobid:// instead of
// uploading the document again. ok is false when there is none.
func (s *Store) ParseOf(ctx context.Context, file string, size int64, since time.Time) (j jobs.Job, ok bool, err error) {
	js, err := s.queryJobs(ctx, `SELECT `+jobColumns+` FROM jobs INDEXED BY jobs_parse_file
		WHERE file = ? AND kind = 'parse' AND status = 'completed' AND job_id != '' AND size = ? AND completed_at >= ?
		ORDER BY id DESC LIMIT 1`, file, size, unixMS(since))
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("parses of %s: %w", file, err)
	}
	if len(js) == 0 {
		return jobs.Job{}, false, nil
	}
	return js[0], true, nil
}
