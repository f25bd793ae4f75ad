package reducto

import (
	"context"
	"net/http"
	"time"
)

// Reducto's edge rate limit is per API key across every endpoint, so a
// Retry-After from any endpoint means the key is over its budget: the
// client then holds back all its API requests (not only the one that got
// the answer) until the delay has passed. The hold is measured on the
// client's clock, so a fake or scaled clock moves it too.

// holdStatus reports whether an answer with a Retry-After asks the whole
// client to hold back: 429 (rate limited) and 503 (overloaded).
func holdStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable
}

// holdFor extends the client-wide hold to d from now. Delays beyond what
// the client honours itself (maxHonouredRetryAfter) are left to callers,
// which read them from APIError.RetryAfter: a proxy's "Retry-After: 3600"
// must not freeze every request of the app for an hour.
func (c *Client) holdFor(d time.Duration) {
	if d <= 0 || d > maxHonouredRetryAfter {
		return
	}
	until := c.clock.Now().Add(d)
	c.holdMu.Lock()
	if until.After(c.holdUntil) {
		c.holdUntil = until
	}
	c.holdMu.Unlock()
}

// HeldUntil returns the time (on the client's clock) before which the
// client sends no API request because Reducto asked it to wait (429 or 503
// with Retry-After or retry-after-ms), or the zero time when no hold is in
// force. The engine can show "waiting for the API" meanwhile.
func (c *Client) HeldUntil() time.Time {
	c.holdMu.Lock()
	defer c.holdMu.Unlock()
	if !c.holdUntil.After(c.clock.Now()) {
		return time.Time{}
	}
	return c.holdUntil
}

// waitHold blocks until the client-wide hold has passed or ctx ends. It
// waits once for the hold as it stands and again only if the hold was
// extended meanwhile, so a clock that does not move (tests) cannot make it
// spin; the first caller to wait a hold out lifts it.
func (c *Client) waitHold(ctx context.Context) error {
	var waited time.Time
	for {
		c.holdMu.Lock()
		until := c.holdUntil
		c.holdMu.Unlock()
		if !until.After(waited) {
			return nil
		}
		d := until.Sub(c.clock.Now())
		if d <= 0 {
			return nil
		}
		if err := c.sleep(ctx, d); err != nil {
			return err
		}
		waited = until
		// Waited out: later callers need not consult the clock again (a
		// frozen test clock would otherwise hold them for ever).
		c.holdMu.Lock()
		if c.holdUntil.Equal(until) {
			c.holdUntil = time.Time{}
		}
		c.holdMu.Unlock()
	}
}

// clearHold drops any hold, for a change of API key or base URL: the
// limit belongs to the old key.
func (c *Client) clearHold() {
	c.holdMu.Lock()
	c.holdUntil = time.Time{}
	c.holdMu.Unlock()
}
