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

// insertLogRow inserts one delivery log row; prepared once (Store.insLog):
// it runs for every webhook request.
const insertLogRow = `INSERT INTO delivery_log
	(id, received_at, via, verdict, reason, job_id, status, http_status, headers, body, body_size, summary, size)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// appendDeliveryLog inserts recs and their queued forwards in tx.
func (s *Store) appendDeliveryLog(ctx context.Context, tx *sql.Tx, recs []jobs.DeliveryRecord) (seqs []int64, added int64, err error) {
	if len(recs) == 0 {
		return nil, 0, nil
	}
	ins := tx.StmtContext(ctx, s.insLog)
	var fwd *sql.Stmt
	now := unixMS(time.Now())
	seqs = make([]int64, len(recs))
	for i, r := range recs {
		var headers sql.NullString
		if r.Headers != nil {
			b, err := encodeHeaders(r.Headers)
			if err != nil {
				return nil, 0, fmt.Errorf("delivery %s: encode headers: %w", r.ID, err)
			}
			headers = sql.NullString{String: string(b), Valid: true}
		}
		size := int64(deliveryRowOverhead + len(r.ID) + len(r.Reason) + len(r.JobID) + len(r.Status) +
			len(headers.String) + len(r.Body))
		res, err := ins.ExecContext(ctx, r.ID, unixMS(r.ReceivedAt), string(r.Via), string(r.Verdict), r.Reason,
			r.JobID, r.Status, r.HTTPStatus, headers, r.Body, r.BodySize, r.Summary, size)
		if err != nil {
			return nil, 0, fmt.Errorf("append delivery %s: %w", r.ID, err)
		}
		if seqs[i], err = res.LastInsertId(); err != nil {
			return nil, 0, fmt.Errorf("append delivery %s: %w", r.ID, err)
		}
		added += size
		for _, f := range r.Forwards {
			if fwd == nil {
				// Once per transaction, not per forward.
				if fwd, err = tx.PrepareContext(ctx, `INSERT INTO forwards (entry, url, state, updated_at) VALUES (?, ?, 'retrying', ?)`); err != nil {
					return nil, 0, fmt.Errorf("queue forwards: %w", err)
				}
				defer fwd.Close()
			}
			if _, err := fwd.ExecContext(ctx, seqs[i], f.URL, now); err != nil {
				return nil, 0, fmt.Errorf("queue forward of %s to %s: %w", r.ID, f.URL, err)
			}
		}
	}
	return seqs, added, nil
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
