package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/reductotray/reducto-tray/jobs"
)

// defaultLimit is the page size when Query.Limit is not set.
const defaultLimit = 100

// minTrigram is the shortest search the trigram index can answer; shorter
// ones fall back to LIKE, bounded by the page size.
const minTrigram = 3

// jobColumnsJ is jobColumns qualified with the alias j, for joins.
var jobColumnsJ = "j." + strings.ReplaceAll(jobColumns, ", ", ", j.")

// List returns jobs matching q, newest first (by id). Since is inclusive,
// Until exclusive, both on CreatedAt. Page on with BeforeID set to the last
// id of the previous page.
//
// Every shape of query is driven by an index and stops after Limit rows:
// a name search walks the trigram index in id order, several statuses are
// read as one bounded index range each and merged, a date range picks the
// newest ids from the created_at index before reading any row.
func (s *Store) List(ctx context.Context, q jobs.Query) ([]jobs.Job, error) {
	lq := listQuery{Query: q}
	if (!q.Since.IsZero() || !q.Until.IsZero()) && (q.Search == "" || !useFTS(q.Search)) {
		bound, err := s.dateBound(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("list jobs: plan date range: %w", err)
		}
		if bound < 0 {
			return nil, nil // nothing in the range
		}
		lq.dateBound = bound
	}
	query, args, err := listSQL(lq)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	js, err := s.queryJobs(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return js, nil
}

// Count returns how many jobs match q (BeforeID included; Limit ignored).
// Filters on status and kind alone are answered from a counter table kept by
// triggers, so the toolbar's counts cost nothing at a million rows.
func (s *Store) Count(ctx context.Context, q jobs.Query) (int, error) {
	query, args, err := countSQL(q)
	if err != nil {
		return 0, fmt.Errorf("count jobs: %w", err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count jobs: %w", err)
	}
	return n, nil
}

// listQuery is a Query with what the planner worked out for it.
type listQuery struct {
	jobs.Query
	dateBound int64 // > 0: only ids up to this one can be in the date range
}

// filter is the WHERE clause of a query on jobs aliased j, without the
// status and search terms, which each caller places where its plan wants.
type filter struct {
	conds []string
	args  []any
}

func (f *filter) add(cond string, args ...any) {
	f.conds = append(f.conds, cond)
	f.args = append(f.args, args...)
}

func (f *filter) where() string {
	if len(f.conds) == 0 {
		return "1"
	}
	return strings.Join(f.conds, " AND ")
}

// baseFilter holds the conditions common to every plan: kind, dates,
// paging, and a short (LIKE) search.
func baseFilter(q listQuery, forList bool) (filter, error) {
	var f filter
	for _, st := range q.Statuses {
		if !st.Valid() {
			return f, fmt.Errorf("invalid status %q", st)
		}
	}
	if q.Kind != "" {
		if !q.Kind.Valid() {
			return f, fmt.Errorf("invalid kind %q", q.Kind)
		}
		f.add("j.kind = ?", string(q.Kind))
	}
	// The unary + keeps SQLite off the created_at index when listing: the
	// page is found walking ids down (see dateBound); Count still uses it.
	plus := ""
	if forList {
		plus = "+"
	}
	if !q.Since.IsZero() {
		f.add(plus+"j.created_at >= ?", unixMS(q.Since))
	}
	if !q.Until.IsZero() {
		f.add(plus+"j.created_at < ?", unixMS(q.Until))
	}
	if q.dateBound > 0 {
		f.add("j.id <= ?", q.dateBound)
	}
	if q.BeforeID > 0 {
		f.add("j.id < ?", q.BeforeID)
	}
	if q.Search != "" && !useFTS(q.Search) {
		// LIKE folds ASCII case only; the trigram path folds all of Unicode.
		f.add(`j.name LIKE ? ESCAPE '\'`, "%"+escapeLike(q.Search)+"%")
	}
	return f, nil
}

func useFTS(search string) bool { return utf8.RuneCountInString(search) >= minTrigram }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ftsPhrase quotes s as one FTS5 phrase: with the trigram tokenizer a
// phrase matches exactly the names containing s, ignoring case.
func ftsPhrase(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func statusArgs(sts []jobs.Status) (string, []any) {
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(sts)), ", ")
	args := make([]any, len(sts))
	for i, st := range sts {
		args[i] = string(st)
	}
	return "(" + ph + ")", args
}

func listSQL(q listQuery) (string, []any, error) {
	f, err := baseFilter(q, true)
	if err != nil {
		return "", nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	sts := dedupeStatuses(q.Statuses)

	if q.Search != "" && useFTS(q.Search) {
		// Walk the trigram matches newest first (FTS5 hands out rowids in
		// order) and stop at the page size; the join reads only those rows.
		if len(sts) > 0 {
			in, args := statusArgs(sts)
			f.add("j.status IN "+in, args...)
		}
		query := `SELECT ` + jobColumnsJ + ` FROM jobs_fts CROSS JOIN jobs j ON j.id = jobs_fts.rowid
			WHERE jobs_fts MATCH ? AND ` + f.where() + ` ORDER BY jobs_fts.rowid DESC LIMIT ?`
		args := append([]any{ftsPhrase(q.Search)}, f.args...)
		return query, append(args, limit), nil
	}

	if len(sts) > 1 {
		// An IN list over (status, id) cannot yield ids in order, so SQLite
		// would sort every matching row; instead take the newest Limit ids
		// of each status and merge those.
		var parts []string
		var args []any
		for _, st := range sts {
			parts = append(parts, `SELECT id FROM (SELECT j.id FROM jobs j WHERE j.status = ? AND `+f.where()+` ORDER BY j.id DESC LIMIT ?)`)
			args = append(args, string(st))
			args = append(args, f.args...)
			args = append(args, limit)
		}
		query := `SELECT ` + jobColumns + ` FROM jobs WHERE id IN (` + strings.Join(parts, " UNION ALL ") + `) ORDER BY id DESC LIMIT ?`
		return query, append(args, limit), nil
	}
	if len(sts) == 1 {
		f.add("j.status = ?", string(sts[0]))
	}
	query := `SELECT ` + jobColumnsJ + ` FROM jobs j WHERE ` + f.where() + ` ORDER BY j.id DESC LIMIT ?`
	return query, append(f.args, limit), nil
}

// dateBound returns an id at least as large as every id below q.BeforeID
// whose created_at lies in [q.Since, q.Until), or 0 when walking the
// newest rows down is the cheaper way to find the page.
//
// Sorting a date range by id costs the size of the range, and walking the
// ids down from the newest costs the number of newer rows; which is smaller
// depends on where the range lies. Ids follow creation order almost always,
// so two index seeks estimate both sizes; the estimate picks the plan, and
// both plans return the exact page even when clocks went backwards.
func (s *Store) dateBound(ctx context.Context, q jobs.Query) (int64, error) {
	if q.Until.IsZero() {
		return 0, nil // the range reaches the newest rows
	}
	var top int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM jobs`).Scan(&top); err != nil {
		return 0, err
	}
	if q.BeforeID > 0 && q.BeforeID-1 < top {
		top = q.BeforeID - 1
	}
	firstAtOrAfter := func(t time.Time) (int64, error) {
		var id int64
		err := s.r.QueryRowContext(ctx, `SELECT coalesce((SELECT id FROM jobs INDEXED BY jobs_created WHERE created_at >= ? ORDER BY created_at LIMIT 1), ?)`,
			unixMS(t), top+1).Scan(&id)
		return id, err
	}
	until, err := firstAtOrAfter(q.Until)
	if err != nil {
		return 0, err
	}
	var since int64
	if !q.Since.IsZero() {
		if since, err = firstAtOrAfter(q.Since); err != nil {
			return 0, err
		}
	}
	if newer, inRange := top-until, until-since; newer <= inRange {
		return 0, nil
	}
	cond := `created_at >= ? AND created_at < ?`
	args := []any{unixMS(q.Since), unixMS(q.Until)}
	if q.BeforeID > 0 {
		cond += ` AND id < ?`
		args = append(args, q.BeforeID)
	}
	var bound int64
	err = s.r.QueryRowContext(ctx, `SELECT coalesce(max(id), -1) FROM jobs INDEXED BY jobs_created WHERE `+cond, args...).Scan(&bound)
	return bound, err
}

func countSQL(q jobs.Query) (string, []any, error) {
	f, err := baseFilter(listQuery{Query: q}, false)
	if err != nil {
		return "", nil, err
	}
	sts := dedupeStatuses(q.Statuses)
	if q.Search == "" && q.Since.IsZero() && q.Until.IsZero() && q.BeforeID <= 0 {
		var c filter
		if len(sts) > 0 {
			in, args := statusArgs(sts)
			c.add("status IN "+in, args...)
		}
		if q.Kind != "" {
			c.add("kind = ?", string(q.Kind))
		}
		return `SELECT coalesce(sum(n), 0) FROM job_counts WHERE ` + c.where(), c.args, nil
	}
	if len(sts) > 0 {
		in, args := statusArgs(sts)
		f.add("j.status IN "+in, args...)
	}
	if q.Search != "" && useFTS(q.Search) {
		if len(f.conds) == 0 {
			return `SELECT count(*) FROM jobs_fts WHERE jobs_fts MATCH ?`, []any{ftsPhrase(q.Search)}, nil
		}
		// Probing the set of matches from the (status, id) index beats
		// reading one row per match.
		query := `SELECT count(*) FROM jobs j WHERE ` + f.where() + ` AND j.id IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?)`
		return query, append(f.args, ftsPhrase(q.Search)), nil
	}
	return `SELECT count(*) FROM jobs j WHERE ` + f.where(), f.args, nil
}

func dedupeStatuses(sts []jobs.Status) []jobs.Status {
	if len(sts) < 2 {
		return sts
	}
	seen := make(map[jobs.Status]bool, len(sts))
	out := make([]jobs.Status, 0, len(sts))
	for _, st := range sts {
		if !seen[st] {
			seen[st] = true
			out = append(out, st)
		}
	}
	return out
}
