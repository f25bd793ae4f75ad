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

// What a dropped forward's Error says: the cap that took its record.
const (
	DroppedBySize = "dropped: the delivery log reached its size cap before the target took it"
	DroppedByAge  = "dropped: the delivery log's age limit passed before the target took it"
)

// keptRow spares from deletion the rows whose forwards still wait and
// the records of forwards dropped since the bound time (so a drop stays
// visible); older ones go like any row.
const keptRow = `NOT EXISTS (SELECT 1 FROM forwards f WHERE f.entry = delivery_log.seq
	AND (f.state = 'retrying' OR (f.last_error LIKE 'dropped:%' AND f.updated_at >= ?)))`

// droppedSince selects the records of forwards dropped since the bound
// time.
const droppedSince = `EXISTS (SELECT 1 FROM forwards f WHERE f.entry = delivery_log.seq
	AND f.last_error LIKE 'dropped:%' AND f.updated_at >= ?)`

// TrimDeliveryLog deletes the oldest rows until the log accounts for at
// most about maxBytes. Rows whose forwards still wait for a target count
// and go like the others: their forwards are dropped (failed, the Error
// DroppedBySize) and the row is kept as a small record of that, without
// headers and body.
func (s *Store) TrimDeliveryLog(ctx context.Context, maxBytes int64) (jobs.LogTrimmed, error) {
	var out jobs.LogTrimmed
	err := s.cutDeliveryLog(ctx, fmt.Sprintf("trim delivery log to %d bytes", maxBytes), func(tx *sql.Tx, now int64) error {
		var total sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT SUM(size) FROM delivery_log`).Scan(&total); err != nil {
			return err
		}
		out.Left = total.Int64
		// The records of dropped forwards stay and count: a pass that made
		// some may leave the log over; the next cuts further.
		for pass := 0; pass < 8 && out.Left > maxBytes; pass++ {
			freed, removed, dropped, err := trimPass(ctx, tx, out.Left-maxBytes, now)
			if err != nil {
				return err
			}
			out.Left -= freed
			out.Removed, out.Dropped = out.Removed+removed, out.Dropped+dropped
			if removed+dropped == 0 {
				break
			}
		}
		return nil
	})
	return out, err
}

// trimPass cuts at least excess bytes off the oldest rows where it can,
// dropping the forwards still waiting among them, and says how many bytes
// it freed.
func trimPass(ctx context.Context, tx *sql.Tx, excess, now int64) (freed, removed, dropped int64, err error) {
	// The oldest rows whose running total reaches excess go, counted from
	// the oldest, so the scan stops a tenth of the way into a log trimmed
	// to 90 %. The records of forwards this trim dropped are passed over:
	// they stay whatever their age.
	var cutoff sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT seq FROM (
		SELECT seq, SUM(size) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) AS run FROM delivery_log
		WHERE NOT `+droppedSince+`
	) WHERE run >= ? LIMIT 1`, now, excess).Scan(&cutoff)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT MAX(seq) FROM delivery_log`).Scan(&cutoff)
	}
	if err != nil || !cutoff.Valid {
		return 0, 0, 0, err
	}
	var before, after sql.NullInt64
	const sizeTo = `SELECT SUM(size) FROM delivery_log WHERE seq <= ?`
	if err := tx.QueryRowContext(ctx, sizeTo, cutoff.Int64).Scan(&before); err != nil {
		return 0, 0, 0, err
	}
	if dropped, err = dropPending(ctx, tx, `seq <= ?`, cutoff.Int64, DroppedBySize, now); err != nil {
		return 0, 0, 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM delivery_log WHERE seq <= ? AND `+keptRow, cutoff.Int64, now)
	if err != nil {
		return 0, 0, 0, err
	}
	removed, _ = res.RowsAffected()
	if err := tx.QueryRowContext(ctx, sizeTo, cutoff.Int64).Scan(&after); err != nil {
		return 0, 0, 0, err
	}
	return before.Int64 - after.Int64, removed, dropped, nil
}

// PruneDeliveryLog deletes rows received before olderThan. Rows whose
// forwards still wait go too: their forwards are dropped (failed, the
// Error DroppedByAge) and the row is kept, without headers and body, for
// another age period to say so.
func (s *Store) PruneDeliveryLog(ctx context.Context, olderThan time.Time) (jobs.LogTrimmed, error) {
	var out jobs.LogTrimmed
	before := unixMS(olderThan)
	err := s.cutDeliveryLog(ctx, "prune delivery log before "+olderThan.Format(time.RFC3339), func(tx *sql.Tx, now int64) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM delivery_log WHERE received_at < ? AND `+keptRow, before, before)
		if err != nil {
			return err
		}
		out.Removed, _ = res.RowsAffected()
		out.Dropped, err = dropPending(ctx, tx, `received_at < ?`, before, DroppedByAge, now)
		return err
	})
	return out, err
}

// cutDeliveryLog runs cut in one write transaction, with the time it
// stamps dropped forwards with.
func (s *Store) cutDeliveryLog(ctx context.Context, what string, cut func(tx *sql.Tx, now int64) error) error {
	w, err := s.writer()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", what, err)
	}
	defer tx.Rollback()
	if err := cut(tx, unixMS(time.Now())); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

// dropPending gives up the waiting forwards of the rows where (a condition
// on delivery_log with one parameter, arg) selects: each is failed with
// reason, and its row loses headers and body and says so in its reason.
// It returns how many forwards were dropped.
func dropPending(ctx context.Context, tx *sql.Tx, where string, arg any, reason string, now int64) (int64, error) {
	pending := `EXISTS (SELECT 1 FROM forwards f WHERE f.entry = delivery_log.seq AND f.state = 'retrying')`
	rowReason := "forwards " + reason
	if _, err := tx.ExecContext(ctx, `UPDATE delivery_log SET headers = NULL, body = NULL, summary = 1, reason = ?,
		size = ? + length(CAST(id AS BLOB)) + length(CAST(job_id AS BLOB)) + length(CAST(status AS BLOB))
		WHERE `+where+` AND `+pending, rowReason, deliveryRowOverhead+len(rowReason), arg); err != nil {
		return 0, fmt.Errorf("drop waiting forwards: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE forwards SET state = 'failed', last_error = ?, next_try = 0, updated_at = ?
		WHERE state = 'retrying' AND entry IN (SELECT seq FROM delivery_log WHERE `+where+`)`, reason, now, arg)
	if err != nil {
		return 0, fmt.Errorf("drop waiting forwards: %w", err)
	}
	return res.RowsAffected()
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
