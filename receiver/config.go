package receiver

import (
	"context"
	"log/slog"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// DefaultAddr is where the receiver listens unless told otherwise
// (the contract's `--listen` default).
const DefaultAddr = settings.DefaultListen

// MaxBodyBytes is the largest webhook body accepted; anything longer is
// answered 413 before it is verified or parsed.
const MaxBodyBytes = 1 << 20

// Sink receives verified, first-seen deliveries. The engine implements it;
// it returns jobs.ErrUnknownJob for a job this install never submitted.
type Sink interface {
	HandleWebhook(ctx context.Context, d jobs.Delivery) error
}

// DeliveryLog durably records delivery ids. Without an error, fresh has
// one entry per id, and fresh[i] is false when ids[i] was recorded before
// (by any earlier call, even in an earlier process).
// *store.Store implements it.
type DeliveryLog interface {
	RecordDeliveries(ctx context.Context, ids []string) (fresh []bool, err error)
}

// Config wires a Server. Zero fields take the documented defaults.
type Config struct {
	// Addr is the listen address for Start and ListenAndServe
	// (default DefaultAddr; port 0 picks a free port).
	Addr string
	// Secret returns the current Svix signing secret ("whsec_..."). It is
	// called on every Svix delivery so a secret changed in the settings
	// applies at once. Nil or empty means Svix deliveries are refused (401).
	Secret func() string
	// PublicURL returns the base URL under which the receiver is reachable
	// from outside (--public-url, Settings), or "". It is called on every
	// /healthz request, so a URL changed in the settings applies at once:
	// its host is one of the Host values /healthz answers (421 for others).
	PublicURL func() string
	// DirectToken is the per-install secret path segment of the direct
	// endpoint. Empty disables direct mode (every direct URL is 404).
	DirectToken string
	// Sink receives fresh deliveries from the queue workers. Required.
	Sink Sink
	// Log records delivery ids before any 2xx. Required. With Records
	// set, ids are recorded through Records.RecordLoggedDeliveries instead,
	// with their log records in the same transaction.
	Log DeliveryLog
	// Health adds fields to GET /healthz (e.g. "jobs_in_flight", "relay").
	Health func() map[string]any
	// Version is reported by /healthz.
	Version string
	// Logger receives the receiver's logs (default slog.Default()).
	Logger *slog.Logger
	// QueueSize bounds deliveries waiting for the Sink (default 1024).
	QueueSize int
	// Workers is how many goroutines call the Sink (default 4).
	Workers int
	// Clock, when set, is the time Svix timestamps are checked against and
	// uptime is measured with, so a sped-up sandbox clock and its signer
	// agree. Nil uses the wall clock through svix's own Verify.
	Clock clock.Clock
	// BatchMax caps ids per RecordDeliveries call (default 256).
	BatchMax int
	// BatchLinger is the longest a batch stays open after its first id for
	// more to join (default 500µs), so that under load one commit records many
	// ids. The window closes sooner after BatchLinger/20 without a new id.
	// Negative disables lingering: a batch is whatever is waiting.
	BatchLinger time.Duration
	// RetryAfter is the Retry-After sent with a 503 (default 5s).
	RetryAfter time.Duration
	// MaxInFlight caps webhook requests being read, verified and recorded
	// at once (default 128); over it a request is answered 503 with
	// Retry-After at once, before its body is read.
	MaxInFlight int
	// Records keeps the delivery log: every request to the webhook
	// endpoints with its verdict. Accepted and duplicate deliveries are
	// recorded in the group commit of their ids (one transaction, before
	// the 2xx); rejected requests are written off the request path by a
	// bounded writer. Nil: no log.
	Records RecordStore
	// LogLimits bound the delivery log.
	LogLimits LogLimits
	// ForwardTargets returns the URLs a fresh verified delivery is queued
	// to (with its record, in the same write). Nil: none.
	ForwardTargets func() []string
	// OnRecorded is told of records once written (Seq set), from the log's
	// writer goroutine (for records committed with their ids too, so that
	// the 2xx never waits for it): it must not block (wake the forwarder,
	// publish to the UI).
	OnRecorded func([]jobs.DeliveryRecord)
}

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Secret == nil {
		c.Secret = func() string { return "" }
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.QueueSize <= 0 {
		c.QueueSize = 1024
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.BatchMax <= 0 {
		c.BatchMax = 256
	}
	if c.BatchLinger < 0 {
		c.BatchLinger = 0
	} else if c.BatchLinger == 0 {
		c.BatchLinger = 500 * time.Microsecond
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = defaultMaxInFlight
	}
	if c.RetryAfter <= 0 {
		c.RetryAfter = 5 * time.Second
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	return c
}
