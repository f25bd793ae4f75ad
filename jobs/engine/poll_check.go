package engine

import (
	"context"
	"sync"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// checkEach asks GET /job for each job, a few at a time, and returns what
// the answers said and the first error.
func (p *poller) checkEach(ctx context.Context, ts []tracked) (outcome, error) {
	sem := make(chan struct{}, pollWorkers)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		seen     outcome
		firstErr error
	)
	for _, t := range ts {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return seen, ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			o, err := p.checkOne(ctx, t)
			mu.Lock()
			seen.add(o)
			if firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return seen, firstErr
}

// checkOne asks GET /job for one job and applies the answer. A job on its
// own schedule is rescheduled; the others follow the sweeps.
func (p *poller) checkOne(ctx context.Context, t tracked) (outcome, error) {
	rj, err := p.e.getJob(ctx, t.jobID)
	switch {
	case err != nil && reducto.IsGone(err):
		p.e.gone(t.id, t.jobID)
		return outcome{changed: 1, ended: 1}, nil
	case err != nil:
		if ctx.Err() != nil {
			return outcome{}, err
		}
		p.e.log.Warn("check job", "job", t.id, "job_id", t.jobID, "err", err)
		p.rateLimited(err)
		p.reschedule(t, err)
		return outcome{}, err
	case reducto.IsTerminal(rj.Status):
		p.e.finishWith(t.id, rj, "polling")
		return outcome{changed: 1, ended: 1}, nil
	}
	o := p.observe(t, rj.Status, rj.Progress)
	p.reschedule(t, nil)
	return o, nil
}

// reschedule sets the next own check of a job after one that found it
// running (or failed): webhook-mode jobs every Reconcile, others backing
// off from Interval to Max. Jobs the sweeps cover are left to them.
func (p *poller) reschedule(t tracked, err error) {
	pol := p.e.cfg.Poll
	p.mu.Lock()
	defer p.mu.Unlock()
	cur, ok := p.jobs[t.id]
	if !ok || !cur.own() {
		return
	}
	switch {
	case cur.webhook != jobs.WebhookNone && err == nil:
		cur.gap = pol.Reconcile
	case cur.webhook != jobs.WebhookNone:
		// A failed reconciliation is tried again well before the next one.
		cur.gap = min(pol.Interval, pol.Reconcile)
	default:
		cur.gap = min(max(cur.gap*2, pol.Interval), pol.Max)
	}
	d := p.jitter(cur.gap)
	if ra := reducto.RetryAfter(err); ra > d {
		d = ra
	}
	cur.next = p.e.clk.Now().Add(d)
}
