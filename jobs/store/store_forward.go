package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// PendingForward is the oldest forward still to be sent to one target,
// with what is needed to send it.
type PendingForward struct {
	Seq      int64    // the forward row's id
	Entry    int64    // the delivery log record's Seq
	ID       string   // the delivery id
	Via      jobs.Via // the route it came by
	URL      string
	Attempts int
	Refusals int       // attempts the target refused (not those it was down for)
	NextTry  time.Time // zero: due now
	Headers  http.Header
	Body     []byte
}

// NextForward returns the oldest forward to url that is still retrying,
// or ok false when none waits. Per target, forwards go strictly in the
// order they were queued.
func (s *Store) NextForward(ctx context.Context, url string) (p PendingForward, ok bool, err error) {
	var (
		next    int64
		headers sql.NullString
		via     string
	)
	err = s.r.QueryRowContext(ctx, `SELECT f.seq, f.entry, d.id, d.via, f.url, f.attempts, f.refusals, f.next_try, d.headers, d.body
		FROM forwards f JOIN delivery_log d ON d.seq = f.entry
		WHERE f.url = ? AND f.state = 'retrying' ORDER BY f.seq LIMIT 1`, url).
		Scan(&p.Seq, &p.Entry, &p.ID, &via, &p.URL, &p.Attempts, &p.Refusals, &next, &headers, &p.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	if err != nil {
		return p, false, fmt.Errorf("next forward to %s: %w", url, err)
	}
	p.Via = jobs.Via(via)
	if next > 0 {
		p.NextTry = fromMS(next)
	}
	if headers.Valid {
		if err := json.Unmarshal([]byte(headers.String), &p.Headers); err != nil {
			return p, false, fmt.Errorf("forward %d: decode headers: %w", p.Seq, err)
		}
	}
	return p, true, nil
}

// ForwardUpdate is the outcome of one attempt to send a forward.
type ForwardUpdate struct {
	State    jobs.ForwardState
	Code     int
	Attempts int
	Refusals int
	NextTry  time.Time // for retrying: when to try again
	Error    string
}

// UpdateForward records the outcome of an attempt. A forward dropped or
// given up meanwhile (no longer retrying) keeps that state unless the
// attempt delivered it.
func (s *Store) UpdateForward(ctx context.Context, seq int64, u ForwardUpdate) error {
	w, err := s.writer()
	if err != nil {
		return fmt.Errorf("update forward %d: %w", seq, err)
	}
	var next int64
	if !u.NextTry.IsZero() {
		next = unixMS(u.NextTry)
	}
	if _, err := w.ExecContext(ctx, `UPDATE forwards SET state = ?, code = ?, attempts = ?, refusals = ?, next_try = ?,
		last_error = ?, updated_at = ?
		WHERE seq = ? AND (state = 'retrying' OR ? = 'delivered')`, string(u.State), u.Code, u.Attempts, u.Refusals, next,
		u.Error, unixMS(time.Now()), seq, string(u.State)); err != nil {
		return fmt.Errorf("update forward %d: %w", seq, err)
	}
	return nil
}

// notSelfTest keeps the app's own self-test deliveries (job_id starting
// with jobs.SelfTestJobPrefix, bound as its length then itself) out of
// every replay: they are never forwarded.
const notSelfTest = `substr(job_id, 1, ?) <> ?`

// QueueForwards queues the records entries again to every url (a replay):
// one new forward row per record and url, sent after what is already
// queued for that url. Records without a stored body, and self-test
// deliveries, are skipped; it returns how many forwards were queued.
func (s *Store) QueueForwards(ctx context.Context, entries []int64, urls []string) (int, error) {
	w, err := s.writer()
	if err != nil {
		return 0, fmt.Errorf("queue forwards: %w", err)
	}
	if len(entries) == 0 || len(urls) == 0 {
		return 0, nil
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("queue forwards: begin: %w", err)
	}
	defer tx.Rollback()
	now := unixMS(time.Now())
	n := 0
	for _, e := range entries {
		for _, u := range urls {
			res, err := tx.ExecContext(ctx, `INSERT INTO forwards (entry, url, state, updated_at)
				SELECT seq, ?, 'retrying', ? FROM delivery_log WHERE seq = ? AND body IS NOT NULL AND `+notSelfTest,
				u, now, e, len(jobs.SelfTestJobPrefix), jobs.SelfTestJobPrefix)
			if err != nil {
				return 0, fmt.Errorf("queue forward of delivery %d to %s: %w", e, u, err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("queue forwards: commit: %w", err)
	}
	return n, nil
}

// ForwardableIn returns the Seq of every accepted or duplicate record with
// a stored body received in [since, until), oldest first, self-test
// deliveries left out: what a replay of a time range sends.
func (s *Store) ForwardableIn(ctx context.Context, since, until time.Time) ([]int64, error) {
	q := `SELECT seq FROM delivery_log WHERE verdict IN ('accepted', 'duplicate') AND body IS NOT NULL AND received_at >= ?
		AND ` + notSelfTest
	args := []any{unixMS(since), len(jobs.SelfTestJobPrefix), jobs.SelfTestJobPrefix}
	if !until.IsZero() {
		q += ` AND received_at < ?`
		args = append(args, unixMS(until))
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("deliveries to replay: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, fmt.Errorf("deliveries to replay: %w", err)
		}
		out = append(out, seq)
	}
	return out, rows.Err()
}

// DropForwardsExcept marks every forward still retrying to a URL not in
// urls failed ("target removed"), so a removed target's rows no longer keep
// their records from pruning.
func (s *Store) DropForwardsExcept(ctx context.Context, urls []string) (int64, error) {
	w, err := s.writer()
	if err != nil {
		return 0, fmt.Errorf("drop forwards: %w", err)
	}
	q := `UPDATE forwards SET state = 'failed', last_error = 'target removed', updated_at = ? WHERE state = 'retrying'`
	args := []any{unixMS(time.Now())}
	if len(urls) > 0 {
		q += ` AND url NOT IN (` + strings.TrimSuffix(strings.Repeat("?,", len(urls)), ",") + `)`
		for _, u := range urls {
			args = append(args, u)
		}
	}
	res, err := w.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("drop forwards to removed targets: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
