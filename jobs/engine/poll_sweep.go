package engine

import (
	"context"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// do runs one round and, after a sweep, sets the cadence from what it saw.
func (p *poller) do(ctx context.Context, r round) {
	var (
		seen outcome
		err  error
	)
	if len(r.listed) > 0 {
		var each []tracked
		seen, each, err = p.sweepList(ctx, r.listed)
		r.each = append(r.each, each...)
	}
	if len(r.each) > 0 {
		o, cerr := p.checkEach(ctx, r.each)
		seen.add(o)
		if err == nil {
			err = cerr
		}
	}
	if r.sweep && ctx.Err() == nil {
		p.mu.Lock()
		p.cad.done(p.e.clk.Now(), p.e.cfg.Poll, len(r.listed)+len(r.each), seen, err)
		p.mu.Unlock()
	}
}

// sweepList reads GET /jobs pages, newest first, until it has seen every
// job in want or passed the oldest of them, and applies what they say. It
// returns what it saw and the jobs to check on their own: those the
// listing did not show.
func (p *poller) sweepList(ctx context.Context, want []tracked) (seen outcome, each []tracked, err error) {
	byID := make(map[string]tracked, len(want))
	since := time.Time{}
	for _, t := range want {
		byID[t.jobID] = t
		if since.IsZero() || t.createdAt.Before(since) {
			since = t.createdAt
		}
	}
	since = since.Add(-skewMargin)
	pages, complete := 0, false
	err = p.e.client.WalkJobs(ctx, reducto.WalkJobsParams{
		Since: since, ExcludeConfigs: true, MaxPages: sweepPages,
		BeforePage: p.e.listLimit.wait,
	}, func(page []reducto.ListedJob) error {
		pages++
		for _, lj := range page {
			t, ok := byID[lj.JobID]
			if !ok {
				continue
			}
			delete(byID, lj.JobID)
			seen.add(p.apply(t, lj.Status))
		}
		switch {
		case len(byID) == 0:
			complete = true
			return reducto.ErrStopWalk
		case pages < sweepPages || len(page) < listPageSize:
			complete = true // the walk ends at the list's end or past since
		}
		return nil
	})
	if err != nil {
		if ctx.Err() == nil {
			p.e.log.Warn("sweep job list", "pages", pages, "err", err)
			p.rateLimited(err)
		}
		p.requeue(byID)
		return seen, nil, err
	}
	return seen, p.missed(byID, complete), nil
}

// apply records what a listing said of a followed job. An ended job's
// result is fetched with one GET /job.
func (p *poller) apply(t tracked, status string) outcome {
	p.mu.Lock()
	cur, ok := p.jobs[t.id]
	if ok {
		now := p.e.clk.Now()
		cur.misses = 0
		if cur.webhook != jobs.WebhookNone {
			cur.gap, cur.next = p.e.cfg.Poll.Reconcile, now.Add(p.jitter(p.e.cfg.Poll.Reconcile))
		} else {
			cur.next = time.Time{} // listed: the sweeps cover it again
		}
		if reducto.IsTerminal(status) {
			cur.ended = now
		}
	}
	p.mu.Unlock()
	if !ok {
		return outcome{} // finished meanwhile
	}
	if reducto.IsTerminal(status) {
		p.e.requestFinish(t.id, t.jobID, "polling (job list)")
		return outcome{changed: 1, ended: 1}
	}
	return p.observe(t, status, nil)
}

// observe records a running job's status and reports whether it moved on
// (the engine keeps the poller's copy current through setStatus).
func (p *poller) observe(t tracked, status string, progress *float64) outcome {
	p.e.observe(t.id, t.status, status, progress)
	p.mu.Lock()
	defer p.mu.Unlock()
	if cur, ok := p.jobs[t.id]; ok && cur.status != t.status {
		return outcome{changed: 1}
	}
	return outcome{}
}

// missed handles the jobs a sweep did not list. Those due on their own
// schedule are checked now; after a complete walk a job missed twice in a
// row is checked on its own (it may be gone, or the listing may lag);
// after a walk cut short by the page bound every job beyond it is.
func (p *poller) missed(byID map[string]tracked, complete bool) []tracked {
	p.mu.Lock()
	defer p.mu.Unlock()
	var each []tracked
	for _, t := range byID {
		cur, ok := p.jobs[t.id]
		if !ok {
			continue
		}
		if cur.own() {
			each = append(each, *cur)
			continue
		}
		if cur.misses++; complete && cur.misses < missesBeforeCheck {
			continue
		}
		cur.gap, cur.next = p.e.cfg.Poll.Interval, p.e.clk.Now().Add(checkGuard(p.e.cfg.Poll))
		each = append(each, *cur)
	}
	return each
}

// requeue makes the jobs of a failed sweep that were due on their own
// schedule due again after a while; the others follow the sweep's cadence.
func (p *poller) requeue(byID map[string]tracked) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.e.clk.Now()
	for _, t := range byID {
		if cur, ok := p.jobs[t.id]; ok && cur.own() {
			cur.next = now.Add(p.jitter(p.e.cfg.Poll.Interval))
		}
	}
}

// rateLimited spreads a Retry-After the client did not wait out itself
// (beyond a minute) to every request the engine paces.
func (p *poller) rateLimited(err error) {
	if !reducto.IsRateLimited(err) {
		return
	}
	d := max(reducto.RetryAfter(err), time.Second)
	p.e.listLimit.backOff(d)
	p.e.jobLimit.backOff(d)
}
