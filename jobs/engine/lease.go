package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// Two engines may share one database for a moment (a relaunch while the
// first quits). Each queued job is claimed by exactly one (store.Claim);
// an upload left 'uploading' is resumed only once the engine that claimed
// it is gone — it left, or its heartbeat is older than leaseStale — so a
// live engine's submission is never looked up too early and sent again.
// Leases are about processes being alive, so they run on real time, not
// on the engine's clock. The heartbeat is written only while the engine
// has submissions under way (a claim renews it too), so an idle app writes
// nothing; a relaunch after a crash resumes the crashed run's uploads
// leaseStale after its last beat.
const (
	leaseBeat  = 2 * time.Second
	leaseStale = 4 * leaseBeat
)

// newEngineID names one engine for its claims.
func newEngineID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// beat keeps the engine's heartbeat fresh while it has submissions under
// way, until ctx ends.
func (e *Engine) beat(ctx context.Context) {
	t := time.NewTicker(leaseBeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e.mu.Lock()
			busy := len(e.cancelUploads) > 0
			e.mu.Unlock()
			if !busy {
				continue
			}
			if err := e.store.Beat(ctx, e.id); err != nil && ctx.Err() == nil {
				e.log.Warn("engine heartbeat", "err", err)
			}
		}
	}
}

// resumeUpload resumes job, found 'uploading' at start, once its claimer
// is gone: it then looks the submission up before sending it again. While
// another engine is alive and uploading it, it waits; if that engine
// submits it meanwhile, this one follows it like any submitted job.
func (e *Engine) resumeUpload(job jobs.Job) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		for {
			taken, ok, err := e.store.TakeOver(e.ctx, job.ID, e.id, leaseStale)
			switch {
			case e.ctx.Err() != nil:
				return
			case err != nil:
				e.log.Error("resume an interrupted upload", "job", job.ID, "err", err)
			case ok:
				e.startSubmission(taken, true)
				return
			case taken.Status.Final():
				e.mu.Lock()
				delete(e.inFlight, job.ID)
				e.mu.Unlock()
				return
			case taken.Status != jobs.StatusUploading:
				e.poller.track(taken, true) // submitted by the other engine
				return
			}
			select {
			case <-e.ctx.Done():
				return
			case <-time.After(leaseBeat):
			}
		}
	}()
}
