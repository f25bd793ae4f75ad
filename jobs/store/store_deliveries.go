package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// DeliveryRetention is how long delivery ids are worth keeping: Svix retries
// a delivery for about 27 hours, so after three days a repeat cannot come.
const DeliveryRetention = 72 * time.Hour

// RecordDeliveries records webhook delivery ids in one transaction;
// fresh[i] is false when ids[i] was seen before, including earlier in the
// same batch. The receiver batches deliveries (group commit) so that one
// fsync-free WAL commit covers many webhooks.
func (s *Store) RecordDeliveries(ctx context.Context, ids []string) (fresh []bool, err error) {
	w, err := s.writer()
	if err != nil {
		return nil, fmt.Errorf("record deliveries: %w", err)
	}
	fresh = make([]bool, len(ids))
	if len(ids) == 0 {
		return fresh, nil
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("record %d deliveries: begin: %w", len(ids), err)
	}
	defer tx.Rollback()
	if err := s.insertDeliveryIDs(ctx, tx, ids, fresh); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("record %d deliveries: commit: %w", len(ids), err)
	}
	return fresh, nil
}

// insertDeliveryIDs records ids in tx and sets fresh[i] to whether ids[i]
// was new.
func (s *Store) insertDeliveryIDs(ctx context.Context, tx *sql.Tx, ids []string, fresh []bool) error {
	now := unixMS(time.Now())
	ins := tx.StmtContext(ctx, s.insDelivery)
	for i, id := range ids {
		res, err := ins.ExecContext(ctx, id, now)
		if err != nil {
			return fmt.Errorf("record delivery %s: %w", id, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("record delivery %s: %w", id, err)
		}
		fresh[i] = n == 1
	}
	return nil
}

// RecordLoggedDeliveries records webhook delivery ids, as RecordDeliveries
// does, and in the same transaction the delivery log rows (with their
// queued forwards, as AppendDeliveryLog) that logFor returns once each id's
// freshness is known. One commit instead of two on the receiver's 2xx path,
// and an id is never on disk without its record (nor a record, or a
// forward, without its id). logFor runs inside the transaction: it must
// not block. It returns the records' Seq and the bytes they add to the
// log's cap.
func (s *Store) RecordLoggedDeliveries(ctx context.Context, ids []string, logFor func(fresh []bool) []jobs.DeliveryRecord) (fresh []bool, seqs []int64, added int64, err error) {
	w, err := s.writer()
	if err != nil {
		return nil, nil, 0, fmt.Errorf("record logged deliveries: %w", err)
	}
	fresh = make([]bool, len(ids))
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("record %d logged deliveries: begin: %w", len(ids), err)
	}
	defer tx.Rollback()
	if err := s.insertDeliveryIDs(ctx, tx, ids, fresh); err != nil {
		return nil, nil, 0, err
	}
	recs := logFor(fresh)
	if seqs, added, err = s.appendDeliveryLog(ctx, tx, recs); err != nil {
		return nil, nil, 0, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, 0, fmt.Errorf("record %d logged deliveries: commit: %w", len(ids), err)
	}
	return fresh, seqs, added, nil
}

// PruneDeliveries forgets delivery ids received before olderThan (use
// time.Now().Add(-DeliveryRetention)) and returns how many it removed.
func (s *Store) PruneDeliveries(ctx context.Context, olderThan time.Time) (int64, error) {
	w, err := s.writer()
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	res, err := w.ExecContext(ctx, `DELETE FROM deliveries WHERE received_at < ?`, unixMS(olderThan))
	if err != nil {
		return 0, fmt.Errorf("prune deliveries before %s: %w", olderThan.Format(time.RFC3339), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	return n, nil
}
