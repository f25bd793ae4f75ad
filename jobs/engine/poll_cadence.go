package engine

import (
	"time"

	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// The sweep cadence. A sweep costs one request whatever it finds, and
// each job it sees end costs one more (its result), so:
//   - right after a submission the first sweep comes after First;
//   - while jobs end now and then, sweeps come every Interval, so a job
//     is noticed within about one Interval of its end;
//   - while many jobs are followed and end often, the gap stretches (up
//     to busyStretch times Interval, in proportion to the jobs followed up
//     to busyJobs) until a sweep shares its page with about busyYield
//     results: the latency stays bounded and the list pages stay a small
//     part of the cost (0.2 requests per job instead of 0.3 with 200 jobs
//     of 5-120 s, see poll_bench_test.go). With few jobs followed the
//     pages cost little in all and stretching would only add latency;
//   - after quietSweeps sweeps in a row in which nothing changed, the gap
//     grows by half each time up to Max (long jobs, nothing to notice);
//   - a failed sweep backs off from Interval to Max, and a Retry-After
//     pushes the next sweep past it.

// quietSweeps is how many sweeps in a row must see nothing change before
// the cadence slows down.
const quietSweeps = 3

// busyYield is how many ended jobs a sweep should find, when jobs end
// often, to be worth its request.
const busyYield = 6

// busyStretch bounds the stretched gap: 3.5 s for the default 2 s Interval.
const busyStretch = 1.75

// busyJobs is how many jobs followed allow the full stretch.
const busyJobs = 50

// rateWindow is how many recent sweeps estimate how often jobs end.
const rateWindow = 8

// sweepJitter spreads the sweeps a little (±10%), so that installs sharing
// a key drift apart; more would add to the detection latency.
var sweepJitter = backoff.Policy{Jitter: 0.1}

// outcome is what one round of checks saw.
type outcome struct {
	changed int // jobs whose status moved on, ended ones included
	ended   int // jobs seen ending
}

func (o *outcome) add(b outcome) {
	o.changed += b.changed
	o.ended += b.ended
}

// sweepMark is one past sweep, for the rate estimate.
type sweepMark struct {
	at    time.Time
	ended int
}

// cadence is the sweep schedule; the poller's mutex guards it.
type cadence struct {
	next     time.Time     // when the next sweep is due; zero while one runs
	gap      time.Duration // the current distance between sweeps
	quiet    int           // sweeps in a row that saw nothing change
	failures int           // sweeps in a row that failed
	recent   []sweepMark   // the latest sweeps, oldest first
}

// submitted brings the next sweep forward to First after a submission
// and returns to the normal cadence: something new is moving.
func (c *cadence) submitted(now time.Time, pol PollPolicy, following bool) {
	c.quiet, c.gap = 0, pol.Interval
	if first := now.Add(pol.First); c.next.IsZero() || !following || first.Before(c.next) {
		c.next = first
	}
}

// held moves a due sweep to the end of a client-wide Retry-After hold and
// slows the cadence: Reducto says the key is over its budget.
func (c *cadence) held(until time.Time, pol PollPolicy) {
	c.next = until
	c.gap = min(c.gap*2, pol.Max)
}

// done schedules the next sweep after one over followed jobs that saw o
// or failed with err.
func (c *cadence) done(now time.Time, pol PollPolicy, followed int, o outcome, err error) {
	var d time.Duration
	switch {
	case err != nil:
		c.failures++
		c.gap = backoff.Policy{Min: pol.Interval, Max: pol.Max}.Base(c.failures)
		d = max(c.gap, reducto.RetryAfter(err))
	case o.changed > 0:
		c.failures, c.quiet = 0, 0
		c.recent = append(c.recent, sweepMark{at: now, ended: o.ended})
		if len(c.recent) > rateWindow {
			c.recent = c.recent[1:]
		}
		c.gap = c.busyGap(now, pol, followed)
		d = c.gap
	default:
		c.failures = 0
		c.recent = append(c.recent, sweepMark{at: now})
		if len(c.recent) > rateWindow {
			c.recent = c.recent[1:]
		}
		if c.quiet++; c.quiet >= quietSweeps {
			c.gap = min(c.gap*3/2, pol.Max)
		}
		d = c.gap
	}
	at := now.Add(sweepJitter.Spread(d))
	// A submission during the sweep may have asked for an earlier one,
	// unless Reducto asked to wait.
	if err != nil || c.next.IsZero() || at.Before(c.next) {
		c.next = at
	}
}

// busyGap is Interval, stretched while many jobs are followed and end
// often enough that a longer gap still finds busyYield of them (see the
// comment at the top).
func (c *cadence) busyGap(now time.Time, pol PollPolicy, followed int) time.Duration {
	if len(c.recent) < 2 {
		return pol.Interval
	}
	ended := 0
	for _, m := range c.recent[1:] {
		ended += m.ended
	}
	span := now.Sub(c.recent[0].at)
	if ended == 0 || span <= 0 {
		return pol.Interval
	}
	perSecond := float64(ended) / span.Seconds()
	want := time.Duration(busyYield / perSecond * float64(time.Second))
	stretch := 1 + (busyStretch-1)*min(1, float64(followed)/busyJobs)
	return min(max(want, pol.Interval), time.Duration(float64(pol.Interval)*stretch), pol.Max)
}
