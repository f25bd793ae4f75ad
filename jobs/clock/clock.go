// Package clock lets the engine and the simulated Reducto API share a notion
// of time that tests and benchmarks can speed up: a two-minute job runs in a
// second of real time while every component still sees two minutes pass.
package clock

import (
	"sync"
	"time"
)

// Clock is the time source of the engine and the simulator.
type Clock interface {
	Now() time.Time
	// After waits for d of this clock's time, like time.After.
	After(d time.Duration) <-chan time.Time
	// NewTimer is time.NewTimer on this clock.
	NewTimer(d time.Duration) Timer
}

// Timer is the part of *time.Timer the engine uses.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
	Reset(d time.Duration) bool
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// After is time.After.
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }

// NewTimer wraps time.NewTimer.
func (Real) NewTimer(d time.Duration) Timer { return &scaledTimer{t: time.NewTimer(d), scale: 1} }

// Scaled is a clock that runs Factor times faster than the wall clock, from
// the moment it was created. Durations given to it are in its own time and
// are divided by Factor before real waiting.
type Scaled struct {
	start  time.Time
	factor float64
}

// NewScaled returns a clock running factor times faster than real time.
func NewScaled(factor float64) *Scaled {
	if factor <= 0 {
		factor = 1
	}
	return &Scaled{start: time.Now(), factor: factor}
}

// Now returns the scaled current time.
func (s *Scaled) Now() time.Time {
	elapsed := time.Since(s.start)
	return s.start.Add(time.Duration(float64(elapsed) * s.factor))
}

// After waits d of scaled time.
func (s *Scaled) After(d time.Duration) <-chan time.Time {
	out := make(chan time.Time, 1)
	time.AfterFunc(s.real(d), func() { out <- s.Now() })
	return out
}

// NewTimer returns a timer that fires after d of scaled time.
func (s *Scaled) NewTimer(d time.Duration) Timer {
	return &scaledTimer{t: time.NewTimer(s.real(d)), scale: s.factor}
}

func (s *Scaled) real(d time.Duration) time.Duration {
	return time.Duration(float64(d) / s.factor)
}

type scaledTimer struct {
	mu    sync.Mutex
	t     *time.Timer
	scale float64
}

func (t *scaledTimer) C() <-chan time.Time { return t.t.C }
func (t *scaledTimer) Stop() bool          { return t.t.Stop() }
func (t *scaledTimer) Reset(d time.Duration) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.t.Reset(time.Duration(float64(d) / t.scale))
}
