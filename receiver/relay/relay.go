// Package relay is Reducto Tray's built-in client for the Svix relay (the
// service behind `svix listen`): it gives a desktop without a public address
// a stable public URL, https://play.svix.com/in/<token>/, and replays every
// delivery made to it into the receiver's http.Handler in-process, sending
// the handler's status, headers and body back to the sender.
//
// The relay is an undocumented development service of Svix; the protocol
// implemented here follows the Svix CLI (svix-cli/src/relay): a websocket,
// a "start" handshake carrying the token, then "event" frames both ways. The
// token lives in <home>/relay_token so the URL survives restarts; it is never
// replaced behind the user's back, even when the relay reports it in use.
package relay

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs/backoff"
)

// DefaultURL is the Svix relay's websocket endpoint.
const DefaultURL = "wss://api.relay.svix.com/api/v1/listen/"

// DefaultKeepAlive is how long the connection may stay silent before it is
// presumed dead: the relay pings every 20 s or so, and the Svix CLI gives up
// after 1.5 times its 21 s allowance.
const DefaultKeepAlive = 31500 * time.Millisecond

// DefaultInUseRetry is how long to wait before trying a token the relay said
// is in use again: another client holds it, which will not change quickly.
const DefaultInUseRetry = time.Minute

// DefaultBackoff paces reconnections like the Svix CLI (at once, then
// about 100 ms, 1 s, 5 s, 5 s, ...), with the app's one backoff rule.
var DefaultBackoff = backoff.Policy{Min: 100 * time.Millisecond, Max: 5 * time.Second, Factor: 10}

// The states a Client reports.
const (
	StateConnecting   = "connecting"
	StateConnected    = "connected"
	StateReconnecting = "reconnecting"
	StateFailed       = "failed"
)

// ErrTokenInUse means the relay refused the token because another client is
// connected with it. The token, and with it the public URL, is kept.
var ErrTokenInUse = errors.New("relay token already in use by another client; the public URL was kept")

// Config sets a Client up. Home and Handler are required.
type Config struct {
	// URL is the relay's websocket URL (default DefaultURL); the app takes
	// it from REDUCTO_TRAY_RELAY_URL.
	URL string
	// Home is the data folder holding relay_token.
	Home string
	// Handler receives every delivery as a request to WebhookPath.
	Handler http.Handler
	// Logger receives the client's logs (default slog.Default()).
	Logger *slog.Logger
	// KeepAlive is the longest silence tolerated from the relay, and the
	// largest wall-clock jump (a sleeping laptop) survived without
	// reconnecting (default DefaultKeepAlive).
	KeepAlive time.Duration
	// Backoff paces reconnection attempts after the first, which is
	// immediate (default DefaultBackoff).
	Backoff backoff.Policy
	// InUseRetry is the wait after the relay said the token is in use
	// (default DefaultInUseRetry).
	InUseRetry time.Duration
	// OnState, if set, is called with every status change, from the
	// goroutine running Run; it must return quickly.
	OnState func(Status)
}

// Status is a snapshot of the client's connection.
type Status struct {
	// State is one of StateConnecting, StateConnected, StateReconnecting,
	// StateFailed.
	State string
	// PublicURL is where senders deliver, known after the first handshake
	// and kept while reconnecting.
	PublicURL string
	// Err says why the client is not connected; empty when connected.
	Err string
}

// Health is the object /healthz reports under "relay". The contract knows
// three states, so a client still making its first connection reports
// "reconnecting".
func (s Status) Health() map[string]any {
	state := s.State
	if state == StateConnecting {
		state = StateReconnecting
	}
	return map[string]any{"state": state, "url": s.PublicURL}
}

// Client keeps one relay connection up and replays its deliveries.
type Client struct {
	cfg Config
	log *slog.Logger

	// now reads the wall clock and the monotonic clock together, so a jump
	// of one against the other (suspend) can be seen; tests replace it.
	now func() (wall time.Time, mono time.Duration)

	mu     sync.Mutex
	status Status

	inflight sync.WaitGroup // event handlers, across connections
	sem      chan struct{}  // bounds concurrent event handlers
}

// maxConcurrentEvents bounds handler goroutines; further events wait in the
// read loop, which is also back-pressure on the relay.
const maxConcurrentEvents = 32

// New returns a client; nothing happens until Run.
func New(cfg Config) *Client {
	if cfg.URL == "" {
		cfg.URL = DefaultURL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = DefaultKeepAlive
	}
	if cfg.Backoff == (backoff.Policy{}) {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.InUseRetry <= 0 {
		cfg.InUseRetry = DefaultInUseRetry
	}
	start := time.Now()
	return &Client{
		cfg: cfg,
		log: cfg.Logger.With("component", "relay"),
		now: func() (time.Time, time.Duration) {
			t := time.Now()
			return t.Round(0), t.Sub(start)
		},
		status: Status{State: StateConnecting},
		sem:    make(chan struct{}, maxConcurrentEvents),
	}
}

// Status returns the current connection status.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

func (c *Client) setStatus(update func(*Status)) {
	c.mu.Lock()
	old := c.status
	update(&c.status)
	st := c.status
	c.mu.Unlock()
	if st != old && c.cfg.OnState != nil {
		c.cfg.OnState(st)
	}
}

// Run connects and reconnects until ctx is done, then waits for deliveries
// being replayed and returns ctx's error. It returns early only if the token
// cannot be loaded or the configuration is unusable.
func (c *Client) Run(ctx context.Context) error {
	if c.cfg.Handler == nil {
		return errors.New("relay: nil handler")
	}
	if c.cfg.Home == "" {
		return errors.New("relay: no data folder for the token")
	}
	token, err := loadOrCreateToken(c.cfg.Home)
	if err != nil {
		return err
	}
	defer c.inflight.Wait()

	attempt := 0
	for {
		began := time.Now()
		err := c.session(ctx, token)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var wait time.Duration
		if errors.Is(err, ErrTokenInUse) {
			c.log.Error("relay token in use", "err", err, "retry_in", c.cfg.InUseRetry)
			c.setStatus(func(s *Status) { s.State, s.Err = StateFailed, ErrTokenInUse.Error() })
			wait, attempt = c.cfg.InUseRetry, 0
		} else {
			// A connection that held for a while starts the schedule over;
			// one that keeps dying at once walks up to the slowest step.
			if time.Since(began) > 2*c.cfg.Backoff.Max {
				attempt = 0
			}
			if attempt > 0 {
				wait = c.cfg.Backoff.Delay(attempt - 1)
			}
			attempt++
			c.log.Warn("relay disconnected", "err", err, "retry_in", wait)
			c.setStatus(func(s *Status) {
				// Keep "failed" (token in use) visible until a connection works.
				if s.State != StateFailed {
					s.State = StateReconnecting
					if s.PublicURL == "" {
						s.State = StateConnecting
					}
					s.Err = err.Error()
				}
			})
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			}
		}
	}
}
