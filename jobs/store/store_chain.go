package store

import (
	"context"
	"fmt"

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
