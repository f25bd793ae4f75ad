package reducto

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// WalkPageSize is the page size WalkJobs asks for: the most GET /jobs
// allows, so a walk costs as few requests as possible.
const WalkPageSize = 500

// ErrStopWalk may be returned by a WalkJobs callback to end the walk early
// without an error; WalkJobs then returns nil.
var ErrStopWalk = errors.New("stop walking the job list")

// WalkJobsParams bound a walk over GET /jobs.
type WalkJobsParams struct {
	// Since ends the walk after the first page whose oldest job was created
	// before Since (jobs are listed newest first, so no later page can hold
	// a newer one). The zero time walks to the end of the list. Reducto's
	// created_at is the server's clock: to find a job submitted at local
	// time T, pass T minus a margin for clock skew and queueing (minutes).
	Since time.Time
	// ExcludeConfigs leaves raw_config out (smaller pages) when the caller
	// does not need async.metadata.
	ExcludeConfigs bool
	// MaxPages bounds the walk; 0 means no bound.
	MaxPages int
	// PageSize overrides WalkPageSize (1..500), for tests; 0 = 500.
	PageSize int
	// BeforePage, when set, runs before each page's request, e.g. to pace
	// requests on a limiter; an error from it ends the walk with that error.
	BeforePage func(ctx context.Context) error
}

// WalkJobs is the one walker over the account's job list: it pages GET
// /jobs newest first (500 a page, following next_cursor) and calls page
// with each page's jobs, until the list ends, a page reaches past
// p.Since, p.MaxPages pages were read, or page asks to stop by returning
// ErrStopWalk (WalkJobs then returns nil) or another error (returned as
// is). A failed request ends the walk with its error (each request is
// already retried like a GET, and waits out any Retry-After hold).
func (c *Client) WalkJobs(ctx context.Context, p WalkJobsParams, page func([]ListedJob) error) error {
	size := p.PageSize
	if size <= 0 || size > WalkPageSize {
		size = WalkPageSize
	}
	cursor := ""
	for n := 0; p.MaxPages <= 0 || n < p.MaxPages; n++ {
		if p.BeforePage != nil {
			if err := p.BeforePage(ctx); err != nil {
				return err
			}
		}
		res, err := c.ListJobs(ctx, ListJobsParams{Cursor: cursor, Limit: size, ExcludeConfigs: p.ExcludeConfigs})
		if err != nil {
			return fmt.Errorf("walk jobs (page %d): %w", n+1, err)
		}
		if err := page(res.Jobs); err != nil {
			if errors.Is(err, ErrStopWalk) {
				return nil
			}
			return err
		}
		if res.NextCursor == nil || len(res.Jobs) == 0 || pastSince(res.Jobs, p.Since) {
			return nil
		}
		cursor = *res.NextCursor
	}
	return nil
}

// pastSince reports whether a page reaches back before since: its last
// (oldest) job with a known creation time is older.
func pastSince(jobs []ListedJob, since time.Time) bool {
	if since.IsZero() {
		return false
	}
	for i := len(jobs) - 1; i >= 0; i-- {
		if t := jobs[i].CreatedAt; t != nil {
			return t.Before(since)
		}
	}
	return false
}

// FindJob walks the job list (see WalkJobs, whose bounds p sets) and
// returns the first, that is newest, job for which match is true. found is
// false when the walk ended without a match. A lookup by client reference
// (async.metadata) must leave p.ExcludeConfigs false, since the metadata
// is read from raw_config (ListedJob.AsyncMetadata).
func (c *Client) FindJob(ctx context.Context, p WalkJobsParams, match func(ListedJob) bool) (job ListedJob, found bool, err error) {
	err = c.WalkJobs(ctx, p, func(jobs []ListedJob) error {
		for _, j := range jobs {
			if match(j) {
				job, found = j, true
				return ErrStopWalk
			}
		}
		return nil
	})
	return job, found, err
}
