package store

import (
	"context"
	"fmt"
	"time"
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
	now := unixMS(time.Now())
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("record %d deliveries: begin: %w", len(ids), err)
	}
	defer tx.Rollback()
	ins := tx.StmtContext(ctx, s.insDelivery)
	for i, id := range ids {
		res, err := ins.ExecContext(ctx, id, now)
		if err != nil {
			return nil, fmt.Errorf("record delivery %s: %w", id, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("record delivery %s: %w", id, err)
		}
		fresh[i] = n == 1
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("record %d deliveries: commit: %w", len(ids), err)
	}
	return fresh, nil
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
