package reducto

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/reductotray/reducto-tray/jobs/clock"
)

// DefaultMultipartLimit is the largest file sent inline to POST /upload
// (Reducto documents 100 MB for direct uploads). It is counted in decimal
// megabytes so that a file the server might measure as "over 100 MB" goes
// through the presigned flow, which accepts up to 5 GB anyway.
const DefaultMultipartLimit int64 = 100 * 1000 * 1000

// DefaultMaxRetries is how often a retryable request is retried, as in
// Reducto's official SDKs.
const DefaultMaxRetries = 2

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send its requests through hc. Timeouts
// are better set through each call's context: a whole-request timeout on hc
// would also cut off large uploads and downloads.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// WithUserAgent sets the User-Agent header to "app/version".
func WithUserAgent(app, version string) Option {
	return func(c *Client) { c.userAgent = app + "/" + version }
}

// WithMaxRetries sets how many times a retryable request is retried after
// its first attempt; 0 disables retries. Negative values are ignored.
func WithMaxRetries(n int) Option {
	return func(c *Client) {
		if n >= 0 {
			c.maxRetries = n
		}
	}
}

// WithLogger sets the logger for retries and other noteworthy events.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.log = l
		}
	}
}

// WithBackoff sets the first retry delay and its cap (the SDKs use 0.5 s
// and 8 s). Tests shrink them; non-positive values keep the defaults.
func WithBackoff(min, max time.Duration) Option {
	return func(c *Client) {
		if min > 0 {
			c.retry.Min = min
		}
		if max > 0 {
			c.retry.Max = max
		}
		if c.retry.Max < c.retry.Min {
			c.retry.Max = c.retry.Min
		}
	}
}

// WithMultipartLimit sets the largest file Upload sends inline; bigger ones
// use the presigned flow. Tests lower it to exercise that flow with small
// files.
func WithMultipartLimit(n int64) Option {
	return func(c *Client) {
		if n >= 0 {
			c.multipartLimit = n
		}
	}
}

// WithClock sets the clock retry delays are measured on, so the sandbox's
// accelerated clock also shortens them and tests can observe them.
func WithClock(clk clock.Clock) Option {
	return func(c *Client) {
		if clk != nil {
			c.clock = clk
		}
	}
}
