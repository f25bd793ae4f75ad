package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// deliveryRowOverhead is what a delivery log row costs besides its texts
// and body (the integers, the indexes' copies of id and time), counted in
// its size so that a flood of tiny summaries is capped like large rows.
const deliveryRowOverhead = 64

// defaultDeliveryPage is how many records ListDeliveryLog returns when the
// filter sets no limit.
const defaultDeliveryPage = 200

// AppendDeliveryLog writes records to the delivery log in one transaction,
// each with a forward row per entry of its Forwards (their URLs; state
// retrying, no attempt yet). It returns each record's Seq and the bytes the
// rows account for in the log's cap (DeliveryLogBytes).
func (s *Store) AppendDeliveryLog(ctx context.Context, recs []jobs.DeliveryRecord) (seqs []int64, added int64, err error) {
	w, err := s.writer()
	if err != nil {
		return nil, 0, fmt.Errorf("append delivery log: %w", err)
	}
	if len(recs) == 0 {
		return nil, 0, nil
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("append %d delivery log rows: begin: %w", len(recs), err)
	}
	defer tx.Rollback()
	if seqs, added, err = s.appendDeliveryLog(ctx, tx, recs); err != nil {
		return nil, 0, err
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, fmt.Errorf("append %d delivery log rows: commit: %w", len(recs), err)
	}
	return seqs, added, nil
}

// The multi-row inserts of the group commit: a statement's head, then
// one placeholder group per row (multiInsert).
const (
	logRowInsert = `INSERT INTO delivery_log
	(id, received_at, via, verdict, reason, job_id, status, http_status, headers, body, body_size, summary, size) VALUES `
	logRowParams  = `(?,?,?,?,?,?,?,?,?,?,?,?,?)`
	forwardInsert = `INSERT INTO forwards (entry, url, state, updated_at) VALUES `
	// The state is bound rather than written in, so that every row of a
	// multi-row insert is the same placeholder group.
	forwardParams = `(?,?,?,?)`
)

// logRow is a delivery log record ready to bind: its headers encoded and
// its size counted before the transaction.
type logRow struct {
	rec     *jobs.DeliveryRecord
	headers sql.NullString
	size    int64
}

// credentialHeaders are the request headers whose values the delivery log
// never stores: a forged request, or a proxy in front of the receiver, can
// carry someone's credentials, and the log keeps headers for 14 days.
var credentialHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

// Redacted replaces a credential header's value in the delivery log.
const Redacted = "[redacted]"

// redactCredentials returns h with each credentialHeaders value replaced
// by Redacted (the name kept, so the log still shows one was sent); h
// itself when it has none, and never changed in place.
func redactCredentials(h http.Header) http.Header {
	out, cloned := h, false
	for k, vs := range h {
		if !slices.ContainsFunc(credentialHeaders, func(c string) bool { return strings.EqualFold(k, c) }) {
			continue
		}
		if !cloned {
			out, cloned = h.Clone(), true
		}
		red := make([]string, len(vs))
		for i := range red {
			red[i] = Redacted
		}
		out[k] = red
	}
	return out
}

// encodeLogRows encodes recs' headers and counts their sizes: work that
// needs no lock, done before the write transaction where it can be.
func encodeLogRows(recs []jobs.DeliveryRecord) ([]logRow, error) {
	rows := make([]logRow, len(recs))
	for i := range recs {
		r := &recs[i]
		row := logRow{rec: r}
		if r.Headers != nil {
			b, err := encodeHeaders(redactCredentials(r.Headers))
			if err != nil {
				return nil, fmt.Errorf("delivery %s: encode headers: %w", r.ID, err)
			}
			row.headers = sql.NullString{String: string(b), Valid: true}
		}
		row.size = int64(deliveryRowOverhead + len(r.ID) + len(r.Reason) + len(r.JobID) + len(r.Status) +
			len(row.headers.String) + len(r.Body))
		rows[i] = row
	}
	return rows, nil
}

// appendDeliveryLog inserts recs and their queued forwards in tx.
func (s *Store) appendDeliveryLog(ctx context.Context, tx *sql.Tx, recs []jobs.DeliveryRecord) (seqs []int64, added int64, err error) {
	if len(recs) == 0 {
		return nil, 0, nil
	}
	rows, err := encodeLogRows(recs)
	if err != nil {
		return nil, 0, err
	}
	return s.insertLogRows(ctx, tx, rows)
}

// insertLogRows inserts rows, maxRowsPerInsert to a statement, then their
// forwards likewise, and returns each row's seq and their total size.
func (s *Store) insertLogRows(ctx context.Context, tx *sql.Tx, rows []logRow) (seqs []int64, added int64, err error) {
	seqs = make([]int64, len(rows))
	args := make([]any, 0, 13*chunk(len(rows)))
	for lo := 0; lo < len(rows); {
		part := rows[lo : lo+chunk(len(rows)-lo)]
		args = args[:0]
		for _, row := range part {
			r := row.rec
			args = append(args, r.ID, unixMS(r.ReceivedAt), string(r.Via), string(r.Verdict), r.Reason,
				r.JobID, r.Status, r.HTTPStatus, row.headers, r.Body, r.BodySize, r.Summary, row.size)
			added += row.size
		}
		res, err := s.insLogs.exec(ctx, tx, len(part), args)
		if err != nil {
			return nil, 0, fmt.Errorf("append %d deliveries (first %s): %w", len(part), part[0].rec.ID, err)
		}
		last, err := res.LastInsertId()
		if err != nil {
			return nil, 0, fmt.Errorf("append %d deliveries: %w", len(part), err)
		}
		// seq is the rowid, and SQLite gives each new row the largest
		// rowid plus one: one statement's rows, inserted in order under
		// the write lock, hold consecutive seqs ending at the last one.
		for i := range part {
			seqs[lo+i] = last - int64(len(part)-1-i)
		}
		lo += len(part)
	}
	if err := s.queueForwards(ctx, tx, rows, seqs); err != nil {
		return nil, 0, err
	}
	return seqs, added, nil
}

// queueForwards inserts a forward row (retrying, no attempt yet) per
// entry of each row's Forwards, in chunks of prepared sizes.
func (s *Store) queueForwards(ctx context.Context, tx *sql.Tx, rows []logRow, seqs []int64) error {
	var args []any
	now := unixMS(time.Now())
	for i, row := range rows {
		for _, f := range row.rec.Forwards {
			args = append(args, seqs[i], f.URL, string(jobs.ForwardRetrying), now)
		}
	}
	const cols = 4
	for lo := 0; lo < len(args); {
		n := chunk((len(args) - lo) / cols)
		part := args[lo : lo+n*cols]
		if _, err := s.insForwards.exec(ctx, tx, n, part); err != nil {
			return fmt.Errorf("queue %d forwards (first to %s): %w", n, part[1], err)
		}
		lo += len(part)
	}
	return nil
}

// DeliveryLogBytes is the size the delivery log accounts for: the sum of
// its rows' texts, headers, bodies and a fixed overhead each.
func (s *Store) DeliveryLogBytes(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT SUM(size) FROM delivery_log`).Scan(&n); err != nil {
		return 0, fmt.Errorf("delivery log size: %w", err)
	}
	return n.Int64, nil
}

// notPending keeps rows whose forwards still wait out of every prune: the
// forwarder needs their body.
const notPending = `NOT EXISTS (SELECT 1 FROM forwards f WHERE f.entry = delivery_log.seq AND f.state = 'retrying')`

// TrimDeliveryLog deletes the oldest rows until the log accounts for at
// most maxBytes (rows with forwards still pending are kept) and returns
// the size left and the rows removed.
func (s *Store) TrimDeliveryLog(ctx context.Context, maxBytes int64) (left, removed int64, err error) {
	w, err := s.writer()
	if err != nil {
		return 0, 0, fmt.Errorf("trim delivery log: %w", err)
	}
	// The newest rows whose running total fits stay; the first row (from
	// the newest) that does not fit, and everything older, goes.
	var cutoff sql.NullInt64
	err = w.QueryRowContext(ctx, `SELECT seq FROM (
		SELECT seq, SUM(size) OVER (ORDER BY seq DESC) AS run FROM delivery_log
	) WHERE run > ? ORDER BY seq DESC LIMIT 1`, maxBytes).Scan(&cutoff)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fmt.Errorf("trim delivery log to %d bytes: %w", maxBytes, err)
	}
	if cutoff.Valid {
		res, err := w.ExecContext(ctx, `DELETE FROM delivery_log WHERE seq <= ? AND `+notPending, cutoff.Int64)
		if err != nil {
			return 0, 0, fmt.Errorf("trim delivery log to %d bytes: %w", maxBytes, err)
		}
		removed, _ = res.RowsAffected()
	}
	var n sql.NullInt64
	if err := w.QueryRowContext(ctx, `SELECT SUM(size) FROM delivery_log`).Scan(&n); err != nil {
		return 0, removed, fmt.Errorf("delivery log size: %w", err)
	}
	return n.Int64, removed, nil
}

// PruneDeliveryLog deletes rows received before olderThan (rows with
// forwards still pending are kept) and returns how many it removed.
func (s *Store) PruneDeliveryLog(ctx context.Context, olderThan time.Time) (int64, error) {
	w, err := s.writer()
	if err != nil {
		return 0, fmt.Errorf("prune delivery log: %w", err)
	}
	res, err := w.ExecContext(ctx, `DELETE FROM delivery_log WHERE received_at < ? AND `+notPending, unixMS(olderThan))
	if err != nil {
		return 0, fmt.Errorf("prune delivery log before %s: %w", olderThan.Format(time.RFC3339), err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// ListDeliveryLog returns the records f selects, newest first, each with
// its forwards but without headers and body (GetDeliveryLog has them).
func (s *Store) ListDeliveryLog(ctx context.Context, f jobs.DeliveryFilter) ([]jobs.DeliveryRecord, error) {
	var where []string
	var args []any
	if f.Verdict != "" {
		where, args = append(where, "verdict = ?"), append(args, string(f.Verdict))
	}
	if f.Via != "" {
		where, args = append(where, "via = ?"), append(args, string(f.Via))
	}
	if !f.Since.IsZero() {
		where, args = append(where, "received_at >= ?"), append(args, unixMS(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, "received_at < ?"), append(args, unixMS(f.Until))
	}
	if f.BeforeSeq > 0 {
		where, args = append(where, "seq < ?"), append(args, f.BeforeSeq)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultDeliveryPage
	}
	q := `SELECT seq, id, received_at, via, verdict, reason, job_id, status, http_status, NULL, NULL, body_size, summary FROM delivery_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list delivery log: %w", err)
	}
	defer rows.Close()
	var out []jobs.DeliveryRecord
	for rows.Next() {
		r, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list delivery log: %w", err)
	}
	if err := s.attachForwards(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetDeliveryLog returns one record with its headers, body and forwards;
// jobs.ErrNotFound if there is none with that seq (pruned).
func (s *Store) GetDeliveryLog(ctx context.Context, seq int64) (jobs.DeliveryRecord, error) {
	row := s.r.QueryRowContext(ctx, `SELECT seq, id, received_at, via, verdict, reason, job_id, status, http_status,
		headers, body, body_size, summary FROM delivery_log WHERE seq = ?`, seq)
	r, err := scanDelivery(row)
	if errors.Is(err, sql.ErrNoRows) {
		return jobs.DeliveryRecord{}, fmt.Errorf("delivery %d: %w", seq, jobs.ErrNotFound)
	}
	if err != nil {
		return jobs.DeliveryRecord{}, err
	}
	out := []jobs.DeliveryRecord{r}
	if err := s.attachForwards(ctx, out); err != nil {
		return jobs.DeliveryRecord{}, err
	}
	return out[0], nil
}

// DeliverySeen reports whether the receiver's dedupe table holds id: a
// delivery with that id would be answered as a duplicate.
func (s *Store) DeliverySeen(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT 1 FROM deliveries WHERE id = ?`, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up delivery %s: %w", id, err)
	}
	return true, nil
}

func scanDelivery(sc scanner) (jobs.DeliveryRecord, error) {
	var (
		r       jobs.DeliveryRecord
		at      int64
		via     string
		verdict string
		headers sql.NullString
		body    []byte
	)
	if err := sc.Scan(&r.Seq, &r.ID, &at, &via, &verdict, &r.Reason, &r.JobID, &r.Status, &r.HTTPStatus,
		&headers, &body, &r.BodySize, &r.Summary); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, err
		}
		return r, fmt.Errorf("read delivery log row: %w", err)
	}
	r.ReceivedAt, r.Via, r.Verdict, r.Body = fromMS(at), jobs.Via(via), jobs.Verdict(verdict), body
	if headers.Valid {
		r.Headers = http.Header{}
		if err := json.Unmarshal([]byte(headers.String), &r.Headers); err != nil {
			return r, fmt.Errorf("delivery %d: decode headers: %w", r.Seq, err)
		}
	}
	return r, nil
}

// attachForwards fills each record's Forwards, in the order they were
// queued.
func (s *Store) attachForwards(ctx context.Context, recs []jobs.DeliveryRecord) error {
	if len(recs) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(recs))
	ph := make([]string, len(recs))
	args := make([]any, len(recs))
	for i, r := range recs {
		idx[r.Seq] = i
		ph[i] = "?"
		args[i] = r.Seq
	}
	rows, err := s.r.QueryContext(ctx, `SELECT entry, url, state, code, attempts, last_error, next_try FROM forwards
		WHERE entry IN (`+strings.Join(ph, ",")+`) ORDER BY seq`, args...)
	if err != nil {
		return fmt.Errorf("read forwards: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			entry, next int64
			f           jobs.Forward
			state       string
		)
		if err := rows.Scan(&entry, &f.URL, &state, &f.Code, &f.Attempts, &f.Error, &next); err != nil {
			return fmt.Errorf("read forwards: %w", err)
		}
		f.State = jobs.ForwardState(state)
		if next > 0 {
			f.NextTry = fromMS(next)
		}
		i := idx[entry]
		recs[i].Forwards = append(recs[i].Forwards, f)
	}
	return rows.Err()
}
