package reducto

// Retry rules.
//
// Idempotent calls (GET /job, GET /jobs, result downloads, POST /cancel,
// POST /configure_webhook, the presigned PUT, DELETE) are retried like the
// official SDKs do: on connection errors and on 408, 409, 429 and 5xx,
// unless x-should-retry says otherwise, waiting retry-after-ms/Retry-After
// when 0 < value <= 60 s and otherwise min(min*2^n, max) within ±12.5 %
// jitter. POST /upload is retried by the same rule: a repeat may leave an
// orphan file_id behind, which costs nothing and expires.
//
// Submissions (POST /parse_async, /extract_async, /split_async) create a job
// and Reducto offers no idempotency key, so a blind retry may create a second
// billed job. They are retried only when the job cannot exist:
//   - the request cannot have reached the server in full: no connection was
//     ever obtained (refused, DNS, TLS handshake, dial timeout) or writing
//     the request failed (a server cannot act on a body it did not fully
//     receive). Once a connection exists and no write error was reported,
//     the request counts as possibly sent (see Client.once);
//   - 429: Reducto's edge rejects over-limit requests before they reach the
//     API (async work beyond the concurrency budget is queued, not refused),
//     unless x-should-retry: false.
// Everything else that is not a clear answer is ambiguous and returned as an
// *AmbiguousError without retrying: a connection lost after the request was
// written, a timeout or cancellation after that point, 408 and 409 (meaning
// undocumented), every 5xx (a 500/502/504 may come after the job was
// created; a 503 is not documented as "not accepted" either), and a 2xx whose
// body holds no job_id. x-should-retry: true does not lift the ambiguity of
// a submission, since it says nothing about whether a job was created. Other
// 4xx answers (400, 401, 403, 404, 413, 415, 422, 442, ...) are clear
// rejections: no job exists and repeating the same request would not help.

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/reductotray/reducto-tray/jobs/backoff"
)

// maxHonouredRetryAfter is the longest server-requested delay the client
// waits itself, as in the SDKs; longer requests fall back to the backoff
// (the value stays available in APIError.RetryAfter).
const maxHonouredRetryAfter = 60 * time.Second

// sdkBackoff is the official SDKs' schedule (0.5 s doubling to 8 s) with
// the app's jitter rule.
var sdkBackoff = backoff.Policy{Min: 500 * time.Millisecond, Max: 8 * time.Second, Factor: 2, Jitter: 0.125}

// backoff returns the delay before retry number n (0-based).
func (c *Client) backoff(n int) time.Duration { return c.retry.Delay(n) }

// retryDelay picks the server's requested delay when it is sensible and the
// backoff otherwise.
func (c *Client) retryDelay(n int, ra time.Duration) time.Duration {
	if ra > 0 && ra <= maxHonouredRetryAfter {
		return ra
	}
	return c.backoff(n)
}

// parseRetryAfter reads retry-after-ms (milliseconds) and then Retry-After
// (seconds or an HTTP date). It returns zero when neither is usable.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("retry-after-ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s > 0 {
			return time.Duration(s * float64(time.Second))
		}
		return 0
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// sleep waits d on the client's clock, or until ctx ends.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	t := c.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}
