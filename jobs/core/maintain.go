package core

import (
	"context"
	"time"

	"github.com/reductotray/reducto-tray/jobs/store"
)

// maintenanceEvery is how often old webhook delivery ids and account jobs
// are pruned. An app left running for weeks must not keep them all.
const maintenanceEvery = time.Hour

// maintain prunes on a timer until ctx ends, starting at once.
func (a *App) maintain(ctx context.Context) {
	t := time.NewTicker(maintenanceEvery)
	defer t.Stop()
	for {
		a.prune(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// prune drops delivery ids older than Svix can still retry, keeps the
// delivery log within its days and bytes, and the account's other jobs
// within their retention (account.go).
func (a *App) prune(ctx context.Context) {
	a.pruneDeliveryLog(ctx)
	a.pruneAccountJobs(ctx)
	n, err := a.store.PruneDeliveries(ctx, time.Now().Add(-store.DeliveryRetention))
	switch {
	case err != nil && ctx.Err() == nil:
		a.log.Warn("prune webhook delivery ids", "err", err)
	case n > 0:
		a.log.Info("pruned old webhook delivery ids", "count", n)
	}
}
