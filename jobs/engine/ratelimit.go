package engine

import (
	"context"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs/clock"
)

// limiter spaces requests to at most rate per second of the engine's clock,
// so that even a thousand jobs finishing together stay under Reducto's
// 200 req/s limit on GET /job instead of collecting 429s. It also honours a
// Retry-After the server asked for, for every caller at once.
type limiter struct {
	clk      clock.Clock
	interval time.Duration

	mu   sync.Mutex
	next time.Time // earliest time the next request may go
}

func newLimiter(clk clock.Clock, ratePerSecond float64) *limiter {
	return &limiter{clk: clk, interval: time.Duration(float64(time.Second) / ratePerSecond)}
}

// wait blocks until the caller may send one request.
func (l *limiter) wait(ctx context.Context) error {
	l.mu.Lock()
	now := l.clk.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		select {
		case <-l.clk.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// backOff holds every caller back for d (a server's Retry-After).
func (l *limiter) backOff(d time.Duration) {
	l.mu.Lock()
	if at := l.clk.Now().Add(d); at.After(l.next) {
		l.next = at
	}
	l.mu.Unlock()
}
