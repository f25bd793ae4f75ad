package engine

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// pollWorkers bounds concurrent GET /job checks when few jobs are in flight.
const pollWorkers = 8

// listPageSize is the largest page GET /jobs serves.
const listPageSize = 500

// sweepPages bounds one sweep of GET /jobs pages.
const sweepPages = 20

// tracked is a submitted job the poller follows.
type tracked struct {
	id        int64
	jobID     string
	status    jobs.Status
	webhook   jobs.WebhookMode
	createdAt time.Time
	next      time.Time     // when to check next
	gap       time.Duration // the current distance between checks
}

// poller follows submitted jobs to their end. Each job has its own
// schedule, quick at first and backing off with jitter; in webhook modes it
// only reconciles slowly, in case a webhook is lost. When many jobs are in
// flight one GET /jobs page answers for up to 500 of them, so the cost per
// job stays near one request (the result fetch) however long jobs run.
type poller struct {
	e    *Engine
	kick chan struct{}

	mu   sync.Mutex
	jobs map[int64]*tracked
}

func newPoller(e *Engine) *poller {
	return &poller{e: e, kick: make(chan struct{}, 1), jobs: make(map[int64]*tracked)}
}

// track starts following job. resumed jobs (after a restart) are checked
// at once: they may have ended while the app was closed.
func (p *poller) track(job jobs.Job, resumed bool) {
	pol := p.e.cfg.Poll
	t := &tracked{id: job.ID, jobID: job.JobID, status: job.Status, webhook: job.Webhook, createdAt: job.CreatedAt, gap: pol.First}
	now := p.e.clk.Now()
	switch {
	case resumed:
		t.next = now
	case job.Webhook != jobs.WebhookNone:
		t.gap = pol.Reconcile
		t.next = now.Add(p.jitter(pol.Reconcile))
	default:
		t.next = now.Add(pol.First)
	}
	p.mu.Lock()
	p.jobs[job.ID] = t
	p.mu.Unlock()
	p.wake()
}

func (p *poller) untrack(id int64) {
	p.mu.Lock()
	delete(p.jobs, id)
	p.mu.Unlock()
}

// soon schedules a quick check of a job, e.g. after a webhook said it ended
// but GET /job did not agree yet.
func (p *poller) soon(id int64) {
	p.mu.Lock()
	if t, ok := p.jobs[id]; ok {
		t.gap = p.e.cfg.Poll.First
		t.next = p.e.clk.Now().Add(t.gap)
	}
	p.mu.Unlock()
	p.wake()
}

func (p *poller) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// jitter spreads checks by ±20% so jobs submitted together do not poll in
// lockstep.
func (p *poller) jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// backoff is the next gap after a check that found the job still running.
func (p *poller) backoff(t *tracked) time.Duration {
	pol := p.e.cfg.Poll
	if t.webhook != jobs.WebhookNone {
		return pol.Reconcile
	}
	return min(t.gap*2, pol.Max)
}

// run is the poller's loop; idle (no jobs) it waits without waking.
func (p *poller) run(ctx context.Context) {
	for {
		due, total, wait := p.due()
		if len(due) > 0 {
			if total >= p.e.cfg.Poll.ListThreshold {
				p.sweep(ctx, due)
			} else {
				p.checkEach(ctx, due)
			}
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

// due returns copies of the jobs whose check is due, how many are
// followed in all, and how long until the next one is due (-1: none).
func (p *poller) due() ([]tracked, int, time.Duration) {
	now := p.e.clk.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []tracked
	wait := time.Duration(-1)
	for _, t := range p.jobs {
		if !t.next.After(now) {
			out = append(out, *t)
			// Not due again until this check reschedules it.
			t.next = now.Add(time.Hour)
			continue
		}
		if d := t.next.Sub(now); wait < 0 || d < wait {
			wait = d
		}
	}
	return out, len(p.jobs), wait
}

// reschedule sets a job's next check after one that found it running.
func (p *poller) reschedule(id int64, grow bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.jobs[id]
	if !ok {
		return
	}
	if grow {
		t.gap = p.backoff(t)
	}
	t.next = p.e.clk.Now().Add(p.jitter(t.gap))
}

// checkEach asks GET /job for each due job, a few at a time.
func (p *poller) checkEach(ctx context.Context, due []tracked) {
	sem := make(chan struct{}, pollWorkers)
	var wg sync.WaitGroup
	for _, t := range due {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			p.checkOne(ctx, t)
		}()
	}
	wg.Wait()
}

func (p *poller) checkOne(ctx context.Context, t tracked) {
	rj, err := p.e.getJob(ctx, t.jobID)
	if err != nil {
		if reducto.IsNotFound(err) {
			p.e.gone(t.id, t.jobID)
			return
		}
		if ctx.Err() == nil {
			p.e.log.Warn("check job", "job", t.id, "job_id", t.jobID, "err", err)
		}
		p.reschedule(t.id, true)
		return
	}
	if reducto.IsTerminal(rj.Status) {
		p.e.finishWith(t.id, rj, "polling")
		return
	}
	p.e.observe(t.id, t.status, rj.Status, rj.Progress)
	p.reschedule(t.id, true)
}

// sweep reads GET /jobs pages, newest first, until it has seen every job
// it follows or passed the oldest of them, and applies what they say. Jobs
// the pages did not show are checked one by one if they were due.
func (p *poller) sweep(ctx context.Context, due []tracked) {
	p.mu.Lock()
	want := make(map[string]tracked, len(p.jobs))
	var oldest time.Time
	for _, t := range p.jobs {
		want[t.jobID] = *t
		if oldest.IsZero() || t.createdAt.Before(oldest) {
			oldest = t.createdAt
		}
	}
	p.mu.Unlock()
	for _, t := range due {
		want[t.jobID] = t
	}
	isDue := make(map[int64]bool, len(due))
	for _, t := range due {
		isDue[t.id] = true
	}
	oldest = oldest.Add(-time.Hour) // the server's clock is not ours

	cursor := ""
	for page := 0; page < sweepPages && len(want) > 0; page++ {
		if err := p.e.listLimit.wait(ctx); err != nil {
			return
		}
		res, err := p.e.client.ListJobs(ctx, reducto.ListJobsParams{Cursor: cursor, Limit: listPageSize, ExcludeConfigs: true})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if reducto.IsRateLimited(err) {
				p.e.listLimit.backOff(max(reducto.RetryAfter(err), time.Second))
			}
			p.e.log.Warn("list jobs", "err", err)
			break
		}
		for _, lj := range res.Jobs {
			t, ok := want[lj.JobID]
			if !ok {
				continue
			}
			delete(want, lj.JobID)
			if reducto.IsTerminal(lj.Status) {
				p.e.requestFinish(t.id, t.jobID, "polling (job list)")
				continue
			}
			p.e.observe(t.id, t.status, lj.Status, nil)
			p.reschedule(t.id, isDue[t.id])
		}
		n := len(res.Jobs)
		if res.NextCursor == nil || *res.NextCursor == "" || n == 0 {
			break
		}
		if last := res.Jobs[n-1].CreatedAt; last != nil && last.Before(oldest) {
			break
		}
		cursor = *res.NextCursor
	}
	var rest []tracked
	for _, t := range want {
		if isDue[t.id] {
			rest = append(rest, t)
		}
	}
	p.checkEach(ctx, rest)
}

// setStatus keeps the poller's copy of a job's status current.
func (p *poller) setStatus(id int64, s jobs.Status) {
	p.mu.Lock()
	if t, ok := p.jobs[id]; ok {
		t.status = s
	}
	p.mu.Unlock()
}
