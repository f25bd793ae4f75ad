package engine

import (
	"context"

	"github.com/reductotray/reducto-tray/jobs"
)

// JobByJobID returns the newest job with Reducto job id jobID
// (jobs.ErrNotFound when this install has none): the Webhooks view's link
// from a delivery to its job.
func (e *Engine) JobByJobID(ctx context.Context, jobID string) (jobs.Job, error) {
	return e.store.GetByJobID(ctx, jobID)
}
