package reductotest

import (
	"strconv"
	"time"
)

// bucket is a token bucket refilled at rate per second of the simulator's
// clock, holding at most one second's worth of tokens.
type bucket struct {
	rate   float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, now time.Time) *bucket {
	return &bucket{rate: rate, tokens: rate, last: now}
}

// take spends a token, or reports how long until one is available.
func (b *bucket) take(now time.Time) (ok bool, wait time.Duration) {
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(b.rate, b.tokens+el*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
