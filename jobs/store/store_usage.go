package store

import (
	"context"
	"encoding/json"
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
	// The local days of the range as bucket ranges (a day is 92 to 100
	// buckets across a daylight-saving change), so SQLite sums each day
	// over the primary key and returns one row a day and group, rather
	// than every bucket.
	from = from.In(loc)
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	var days []time.Time
	var spans [][2]int64
	width := usageBucket.Milliseconds()
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		lo, hi := day, day.AddDate(0, 0, 1)
		if lo.Before(from) {
			lo = from
		}
		if hi.After(to) {
			hi = to
		}
		days = append(days, day)
		spans = append(spans, [2]int64{lo.UnixMilli() / width, (hi.UnixMilli() + width - 1) / width})
	}
	if len(days) == 0 {
		return jobs.Usage{}, nil
	}
	arg, err := json.Marshal(spans)
	if err != nil {
		return jobs.Usage{}, fmt.Errorf("read usage: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `
WITH d(i, lo, hi) AS (SELECT CAST(key AS INTEGER), value ->> 0, value ->> 1 FROM json_each(?))
SELECT d.i, u.origin, u.kind, u.preset, sum(u.jobs), sum(u.pages), sum(u.credits)
FROM d JOIN usage_buckets u ON u.bucket >= d.lo AND u.bucket < d.hi
GROUP BY d.i, u.origin, u.kind, u.preset HAVING sum(u.jobs) > 0`, string(arg))
	if err != nil {
		return jobs.Usage{}, fmt.Errorf("read usage: %w", err)
	}
	defer rows.Close()
	var u jobs.Usage
	for rows.Next() {
		var (
			i                    int
			origin, kind, preset string
			r                    jobs.UsageRow
		)
		if err := rows.Scan(&i, &origin, &kind, &preset, &r.Jobs, &r.Pages, &r.Credits); err != nil {
			return jobs.Usage{}, fmt.Errorf("read usage: %w", err)
		}
		r.Day, r.Origin, r.Kind, r.Preset = days[i], origin, jobs.Kind(kind), preset
		u.Rows = append(u.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return jobs.Usage{}, fmt.Errorf("read usage: %w", err)
	}
	return u, nil
}
