package engine

import (
	"context"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// pollWorkers bounds concurrent GET /job checks.
const pollWorkers = 8

// listPageSize is the largest page GET /jobs serves.
const listPageSize = reducto.WalkPageSize

// sweepPages bounds one sweep: 10,000 jobs, far more than anyone follows
// at once; jobs beyond it are checked one by one.
const sweepPages = 20

// skewMargin is how far before the oldest followed job's local creation a
// sweep reads: Reducto's created_at is the server's clock, not ours.
const skewMargin = 10 * time.Minute

// missesBeforeCheck is how many complete sweeps must miss a job before it
// is checked on its own (GET /job): a listing may lag a submission.
const missesBeforeCheck = 2

// tracked is a submitted job the poller follows.
type tracked struct {
	id        int64
	jobID     string
	status    jobs.Status
	webhook   jobs.WebhookMode
	createdAt time.Time
	// next, when set, is when this job's own GET /job is due: the slow
	// reconciliation of a webhook-mode job, the retry of a result fetch
	// that failed (soon), or a job the listing does not show. A
	// polling-mode job without it is covered by the sweeps.
	next time.Time
	gap  time.Duration // the distance between its own checks
	// ended is when a sweep saw the job end: its result fetch is under
	// way, and sweeps leave it alone for a while (Max) unless the fetch
	// asks for another look (soon).
	ended  time.Time
	misses int // complete sweeps in a row that did not list it
}

// own reports whether the job is checked on its own schedule rather than
// by the sweeps.
func (t *tracked) own() bool { return t.webhook != jobs.WebhookNone || !t.next.IsZero() }

// poller follows submitted jobs to their end. While polling-mode jobs are
// in flight it sweeps: one GET /jobs page (500 jobs, newest first, only as
// many pages as reach back to the oldest of them) answers for all of them
// at once, every Interval (sooner right after a submission, slower when
// nothing changes for long, later when Reducto asks to wait), and GET
// /job/{id} is spent only on the result of a job the sweep saw end, so a
// job costs about one request however long it runs and is noticed within
// one Interval of its end. Below ListThreshold jobs a sweep is one GET
// /job per job instead, which then also brings the result. Webhook-mode
// jobs are only reconciled, slowly, in case a webhook is lost.
type poller struct {
	e    *Engine
	kick chan struct{}

	mu   sync.Mutex
	jobs map[int64]*tracked
	cad  cadence
}

func newPoller(e *Engine) *poller {
	return &poller{e: e, kick: make(chan struct{}, 1), jobs: make(map[int64]*tracked), cad: cadence{gap: e.cfg.Poll.Interval}}
}

// track starts following job. resumed jobs (after a restart) are checked
// at once: they may have ended while the app was closed. A new polling-mode
// job brings the next sweep forward to First.
func (p *poller) track(job jobs.Job, resumed bool) {
	pol := p.e.cfg.Poll
	t := &tracked{id: job.ID, jobID: job.JobID, status: job.Status, webhook: job.Webhook, createdAt: job.CreatedAt}
	now := p.e.clk.Now()
	p.mu.Lock()
	switch {
	case job.Webhook != jobs.WebhookNone:
		t.gap = pol.Reconcile
		t.next = now.Add(p.jitter(pol.Reconcile))
		if resumed {
			t.next = now
		}
	case resumed:
		p.cad.next = now
	default:
		p.cad.submitted(now, pol, p.pollingLocked())
	}
	p.jobs[job.ID] = t
	p.mu.Unlock()
	p.wake()
}

// pollingLocked reports whether any polling-mode job is followed by the
// sweeps; p.mu is held.
func (p *poller) pollingLocked() bool {
	for _, t := range p.jobs {
		if !t.own() {
			return true
		}
	}
	return false
}

func (p *poller) untrack(id int64) {
	p.mu.Lock()
	delete(p.jobs, id)
	p.mu.Unlock()
}

// soon schedules a check of a job on its own, e.g. after a webhook or a
// sweep said it ended but its result could not be fetched yet (err, nil
// when the job's status simply lagged). When Reducto said how long to wait
// (a 429 or 503 with Retry-After), the check comes then, like any other
// request's retry; otherwise repeated calls back off, so an outage costs a
// few requests per job, not one a second.
func (p *poller) soon(id int64, err error) {
	pol := p.e.cfg.Poll
	ra := reducto.RetryAfter(err)
	p.mu.Lock()
	if t, ok := p.jobs[id]; ok {
		now := p.e.clk.Now()
		switch {
		case ra > 0:
			// Beyond Max the engine's limiters hold GET /job back anyway
			// (getJob), so the check waits there instead.
			t.next = now.Add(min(ra, pol.Max))
		case t.next.IsZero() || t.gap <= 0:
			t.gap = pol.First
			t.next = now.Add(p.jitter(t.gap))
		default:
			if t.webhook == jobs.WebhookNone {
				t.gap = min(t.gap*2, pol.Max)
			}
			t.next = now.Add(p.jitter(min(t.gap, pol.Max)))
		}
		t.ended = time.Time{}
	}
	p.mu.Unlock()
	p.wake()
}

// setStatus keeps the poller's copy of a job's status current.
func (p *poller) setStatus(id int64, s jobs.Status) {
	p.mu.Lock()
	if t, ok := p.jobs[id]; ok {
		t.status = s
	}
	p.mu.Unlock()
}

func (p *poller) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// pollJitter spreads the checks of single jobs by ±20% so that they do
// not come in lockstep.
var pollJitter = backoff.Policy{Jitter: 0.2}

func (p *poller) jitter(d time.Duration) time.Duration { return pollJitter.Spread(d) }

// round is what one pass of the loop does.
type round struct {
	sweep  bool      // a sweep is due: its outcome sets the cadence
	listed []tracked // jobs to look for in GET /jobs pages
	each   []tracked // jobs to check with GET /job
}

// due reports whether the round has work. A round of only listed jobs (a
// reconciliation sweep of jobs on their own schedule, e.g. the result
// fetches a 429 refused, come due together) is work too: dropping it left
// those jobs marked as handed out and the poller asleep until something
// else woke it.
func (r round) due() bool { return r.sweep || len(r.listed) > 0 || len(r.each) > 0 }

// run is the poller's loop; idle (no jobs) it waits without waking.
func (p *poller) run(ctx context.Context) {
	for {
		r, wait := p.plan()
		if r.due() {
			p.do(ctx, r)
			if ctx.Err() != nil {
				return
			}
			continue
		}
		var (
			timeout <-chan time.Time
			stop    = func() bool { return false }
		)
		if wait >= 0 {
			timer := p.e.clk.NewTimer(wait)
			timeout, stop = timer.C(), timer.Stop
		}
		select {
		case <-ctx.Done():
			stop()
			return
		case <-p.kick:
		case <-timeout:
		}
		stop()
	}
}

// plan picks what is due now and how long to wait otherwise (-1: until
// kicked). Jobs it hands out are not due again until their check
// reschedules them.
func (p *poller) plan() (round, time.Duration) {
	pol := p.e.cfg.Poll
	now := p.e.clk.Now()
	var r round
	p.mu.Lock()
	defer p.mu.Unlock()
	var polling []tracked
	wait := time.Duration(-1)
	soonest := func(at time.Time) {
		if d := max(at.Sub(now), 0); wait < 0 || d < wait {
			wait = d
		}
	}
	var dueOwn []*tracked
	for _, t := range p.jobs {
		switch {
		case !t.own():
			if t.ended.IsZero() || now.Sub(t.ended) > pol.Max {
				polling = append(polling, *t)
			}
		case t.next.After(now):
			soonest(t.next)
		default:
			dueOwn = append(dueOwn, t)
		}
	}
	sweepDue := len(polling) > 0 && !p.cad.next.After(now)
	if len(polling) > 0 && !sweepDue {
		soonest(p.cad.next)
	}
	if !sweepDue && len(dueOwn) == 0 {
		return r, wait
	}
	// Reducto asked this client to wait (a 429 or 503 on any endpoint):
	// the client holds every request anyway; the cadence moves with it
	// instead of queueing requests behind the hold.
	if until := p.e.client.HeldUntil(); until.After(now) {
		if sweepDue {
			p.cad.held(until, pol)
		}
		return round{}, until.Sub(now)
	}
	for _, t := range dueOwn {
		t.next = now.Add(checkGuard(pol)) // until its check reschedules it
	}
	switch {
	case sweepDue && len(polling) < pol.ListThreshold:
		// Too few for a page to pay: GET /job each, which also brings the
		// result of a job that ended.
		r.sweep, r.each = true, polling
		r.each = appendOwn(r.each, dueOwn)
	case sweepDue:
		r.sweep, r.listed = true, polling
		r.listed = appendOwn(r.listed, dueOwn)
	case len(dueOwn) >= pol.ListThreshold:
		r.listed = appendOwn(nil, dueOwn) // a reconciliation sweep
	default:
		r.each = appendOwn(nil, dueOwn)
	}
	if sweepDue {
		// Zero while the sweep runs: a submission meanwhile sets the
		// earliest next one (track), afterSweep the rest.
		p.cad.next = time.Time{}
	}
	return r, wait
}

// checkGuard is how long a job handed to a check is not due again. Its
// check reschedules it; should that never happen (a finish that another
// fetch of the same job was already doing, then failed), the job is due
// again after this, so a lost reschedule delays a job, never strands it.
func checkGuard(pol PollPolicy) time.Duration { return pol.Max + pol.Interval }

func appendOwn(dst []tracked, ts []*tracked) []tracked {
	for _, t := range ts {
		dst = append(dst, *t)
	}
	return dst
}
