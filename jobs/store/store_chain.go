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
