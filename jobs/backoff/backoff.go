// Package backoff computes how long to wait before trying again: capped
// exponential growth with jitter, never shorter than what a server asked
// for with Retry-After. It holds no timers and no I/O, so the engine, the
// Reducto client, the relay and the poller can share one rule and sleep on
// their own clocks.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Policy is a backoff rule. The zero value is usable: it takes the
// defaults documented on each field.
type Policy struct {
	// Min is the first delay (default 1 s).
	Min time.Duration
	// Max caps the grown delay before jitter (default 30 s).
	Max time.Duration
	// Factor multiplies the delay after each attempt (default 2; values
	// below 1 are taken as 1, a constant delay).
	Factor float64
	// Jitter spreads each delay by ±Jitter of itself (default 0.2, so 80 %
	// to 120 %), so that clients failing together do not retry in
	// lockstep. Negative means none; values above 1 are taken as 1.
	Jitter float64
}

// Default is the engine's policy for transient API trouble: 1 s, doubling,
// at most 30 s, ±20 %.
var Default = Policy{Min: time.Second, Max: 30 * time.Second, Factor: 2, Jitter: 0.2}

func (p Policy) withDefaults() Policy {
	if p.Min <= 0 {
		p.Min = time.Second
	}
	if p.Max <= 0 {
		p.Max = 30 * time.Second
	}
	if p.Max < p.Min {
		p.Max = p.Min
	}
	switch {
	case p.Factor == 0:
		p.Factor = 2
	case p.Factor < 1:
		p.Factor = 1
	}
	switch {
	case p.Jitter == 0:
		p.Jitter = 0.2
	case p.Jitter < 0:
		p.Jitter = 0
	case p.Jitter > 1:
		p.Jitter = 1
	}
	return p
}

// Base returns the delay before retry number attempt (0-based) without
// jitter: Min * Factor^attempt, capped at Max.
func (p Policy) Base(attempt int) time.Duration {
	p = p.withDefaults()
	d := float64(p.Min)
	for i := 0; i < attempt && d < float64(p.Max); i++ {
		d *= p.Factor
	}
	return min(time.Duration(d), p.Max)
}

// Delay returns the jittered delay before retry number attempt (0-based).
func (p Policy) Delay(attempt int) time.Duration {
	p = p.withDefaults()
	return p.spread(p.Base(attempt))
}

// Spread applies the policy's jitter to d: a duration within ±Jitter of it.
func (p Policy) Spread(d time.Duration) time.Duration {
	return p.withDefaults().spread(d)
}

// spread is Spread on a policy whose defaults are filled in.
func (p Policy) spread(d time.Duration) time.Duration {
	if p.Jitter == 0 || d <= 0 {
		return d
	}
	return time.Duration(float64(d) * (1 - p.Jitter + 2*p.Jitter*rand.Float64()))
}

// After returns the wait before retry number attempt when the server asked
// for retryAfter (zero when it did not): the jittered delay, but never less
// than retryAfter, since asking again sooner only earns another refusal.
// A Retry-After is honoured even beyond Max: the server knows best how
// long it will be away.
func (p Policy) After(attempt int, retryAfter time.Duration) time.Duration {
	return max(p.Delay(attempt), retryAfter)
}
