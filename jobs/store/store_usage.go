package store

import (
	"context"
	"fmt"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// usageBucket is the width of a usage bucket (the triggers' completed_at /
// 900000): a quarter hour, so a local day of any time zone is whole buckets.
const usageBucket = 15 * time.Minute

// Usage sums the pages and credits of jobs (the history's and the
// account's) that finished in [from, to), per local day (in loc), origin,
// kind and preset. It reads the usage buckets the triggers keep, never the
// jobs: its cost follows the length of the range, not of the history.
func (s *Store) Usage(ctx context.Context, from, to time.Time, loc *time.Location) (jobs.Usage, error) {
	if loc == nil {
		loc = time.Local
	}
	lo, hi := from.UnixMilli()/usageBucket.Milliseconds(), (to.UnixMilli()+usageBucket.Milliseconds()-1)/usageBucket.Milliseconds()
	rows, err := s.r.QueryContext(ctx, `SELECT bucket, origin, kind, preset, jobs, pages, credits FROM usage_buckets
		WHERE bucket >= ? AND bucket < ? AND jobs > 0`, lo, hi)
	if err != nil {
		return jobs.Usage{}, fmt.Errorf("read usage: %w", err)
	}
	defer rows.Close()
	type key struct {
		day                  time.Time
		origin, kind, preset string
	}
	idx := map[key]int{}
	var u jobs.Usage
	for rows.Next() {
		var (
			bucket               int64
			origin, kind, preset string
			r                    jobs.UsageRow
		)
		if err := rows.Scan(&bucket, &origin, &kind, &preset, &r.Jobs, &r.Pages, &r.Credits); err != nil {
			return jobs.Usage{}, fmt.Errorf("read usage: %w", err)
		}
		t := time.UnixMilli(bucket * usageBucket.Milliseconds()).In(loc)
		k := key{time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc), origin, kind, preset}
		if i, ok := idx[k]; ok {
			u.Rows[i].Jobs += r.Jobs
			u.Rows[i].Pages += r.Pages
			u.Rows[i].Credits += r.Credits
			continue
		}
		r.Day, r.Origin, r.Kind, r.Preset = k.day, origin, jobs.Kind(kind), preset
		idx[k] = len(u.Rows)
		u.Rows = append(u.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return jobs.Usage{}, fmt.Errorf("read usage: %w", err)
	}
	return u, nil
}
