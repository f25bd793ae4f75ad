// Package forward sends verified webhook deliveries on to the user's own
// handlers (Settings' forward targets and --forward): the exact body with
// the original svix-*/webhook-* headers and content-type, re-signed when
// sent with the secret in force and a fresh timestamp (same id, same body),
// so a handler verifying with that secret accepts it however late it comes
// (sign.go). The queue is durable (rows in SQLite, written with the
// delivery's log record); each target has one goroutine sending its queue
// in order, retrying with backoff, so a slow or dead target delays only
// itself and never the receiver. A delivery the target still refuses
// after MaxAttempts is parked as failed (replayable) and the next one goes
// out; a target that is not listening refuses nothing, so its forwards
// wait for it (the delivery log's caps bound how long).
package forward

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/clock"
)

// Item is the oldest forward still to be sent to one target.
type Item struct {
	Seq   int64 // the queue row's id
	Entry int64 // the delivery log record it sends
	// ID is the delivery id (svix-id, or the log's id of a direct
	// delivery), what a direct delivery is signed under.
	ID       string
	Via      jobs.Via
	URL      string
	Attempts int // attempts already made
	// Refusals is how many of them the target refused (a non-2xx answer,
	// or a failure after connecting), as opposed to not listening.
	Refusals int
	NextTry  time.Time // zero: due now
	Headers  http.Header
	Body     []byte
}

// Outcome is what one attempt left.
type Outcome struct {
	State    jobs.ForwardState
	Code     int // the target's HTTP status, 0 if it never answered
	Attempts int
	Refusals int
	NextTry  time.Time // when a retrying forward is tried again
	Error    string
}

// Store is the durable queue (jobs/core adapts *store.Store).
type Store interface {
	// Next returns the oldest forward to url still retrying.
	Next(ctx context.Context, url string) (Item, bool, error)
	// Update records an attempt's outcome.
	Update(ctx context.Context, seq int64, o Outcome) error
}

// Defaults of Config.
const (
	DefaultMaxAttempts = 12
	defaultTimeout     = 10 * time.Second
)

// DownProbe is the longest a forward waits between attempts while its
// target is not listening, so a target that comes back is served within
// it rather than after a refusal's full backoff.
const DownProbe = 30 * time.Second

// DefaultPolicy spaces the retries of a refused forward: 1 s doubling to
// 5 min, so 12 refusals span about 20 minutes before it is parked as
// failed. A target that is not listening is retried on the same policy,
// but at least every DownProbe.
var DefaultPolicy = backoff.Policy{Min: time.Second, Max: 5 * time.Minute, Factor: 2, Jitter: 0.2}

// Config wires a Forwarder. Store is required.
type Config struct {
	Store Store
	// Client sends the forwards (default: a client with a 10 s timeout and
	// no redirects followed).
	Client *http.Client
	// Policy spaces retries (default DefaultPolicy).
	Policy backoff.Policy
	// MaxAttempts is how many refusals (non-2xx answers, failures after
	// connecting) park a forward as failed, so that one delivery the
	// target will not take does not hold the rest (default
	// DefaultMaxAttempts). Attempts while the target is not listening do
	// not count: those forwards wait, tried at least every DownProbe, and
	// count against the delivery log's caps meanwhile.
	MaxAttempts int
	// Secret returns the webhook signing secret in force, which every
	// forward is re-signed with as it is sent; nil or "" sends the
	// headers as received.
	Secret func() string
	// Clock stamps the signatures and spaces the retries (default the
	// wall clock).
	Clock  clock.Clock
	Logger *slog.Logger
	// OnChange is told after each attempt is recorded (the UI refreshes);
	// it must not block.
	OnChange func(it Item, o Outcome)
}

// Forwarder runs one sender per target. Its methods are safe for
// concurrent use.
type Forwarder struct {
	cfg     Config
	signer  *signer
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	targets map[string]*target
}

type target struct {
	url    string
	wake   chan struct{} // buffered 1
	cancel context.CancelFunc
}

// New returns a Forwarder with no targets; SetTargets starts senders.
func New(cfg Config) *Forwarder {
	if cfg.Client == nil {
		cfg.Client = &http.Client{
			Timeout: defaultTimeout,
			// A redirect is the target's answer, not a place to send the
			// delivery (and its signature) to.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if cfg.Policy == (backoff.Policy{}) {
		cfg.Policy = DefaultPolicy
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	f := &Forwarder{cfg: cfg, targets: make(map[string]*target),
		signer: &signer{secret: cfg.Secret, log: cfg.Logger}}
	f.ctx, f.cancel = context.WithCancel(context.Background())
	return f
}

// SetTargets makes urls the targets: a sender starts for each new one (and
// sends what the queue already holds for it, e.g. from before a restart)
// and stops for each removed one.
func (f *Forwarder) SetTargets(urls []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ctx.Err() != nil {
		return
	}
	for u, t := range f.targets {
		if !slices.Contains(urls, u) {
			t.cancel()
			delete(f.targets, u)
		}
	}
	for _, u := range urls {
		if _, ok := f.targets[u]; ok {
			continue
		}
		ctx, cancel := context.WithCancel(f.ctx)
		t := &target{url: u, wake: make(chan struct{}, 1), cancel: cancel}
		f.targets[u] = t
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.run(ctx, t)
		}()
	}
}

// Targets returns the current targets.
func (f *Forwarder) Targets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.targets))
	for u := range f.targets {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

// Wake tells every sender that the queue has new rows. It never blocks.
func (f *Forwarder) Wake() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.targets {
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
}

// Close stops every sender (an attempt in progress is abandoned and
// retried after the next start) and waits for them.
func (f *Forwarder) Close() {
	f.mu.Lock()
	f.cancel()
	f.mu.Unlock()
	f.wg.Wait()
}

// run sends t's queue in order until ctx ends.
func (f *Forwarder) run(ctx context.Context, t *target) {
	storeErrors := 0
	for ctx.Err() == nil {
		it, ok, err := f.cfg.Store.Next(ctx, t.url)
		if err != nil {
			if ctx.Err() == nil {
				f.cfg.Logger.Warn("forward queue unreadable", "target", t.url, "err", err)
			}
			f.sleep(ctx, f.cfg.Policy.Delay(storeErrors))
			storeErrors++
			continue
		}
		storeErrors = 0
		if !ok {
			select {
			case <-t.wake:
			case <-ctx.Done():
			}
			continue
		}
		if wait := it.NextTry.Sub(f.cfg.Clock.Now()); !it.NextTry.IsZero() && wait > 0 {
			// Only the time wakes a waiting retry: new rows queue behind it.
			f.sleep(ctx, wait)
			continue
		}
		o := f.attempt(ctx, it)
		if ctx.Err() != nil {
			return // abandoned, not failed: retried after the next start
		}
		if err := f.cfg.Store.Update(ctx, it.Seq, o); err != nil {
			f.cfg.Logger.Warn("forward outcome not recorded; it will be sent again", "target", t.url, "err", err)
			f.sleep(ctx, time.Second)
			continue
		}
		if f.cfg.OnChange != nil {
			f.cfg.OnChange(it, o)
		}
	}
}

// sleep waits d or until ctx ends. A wake does not cut it short: new rows
// queue behind the one waiting.
func (f *Forwarder) sleep(ctx context.Context, d time.Duration) {
	timer := f.cfg.Clock.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C():
	case <-ctx.Done():
	}
}

// attempt sends it once and says what to record.
func (f *Forwarder) attempt(ctx context.Context, it Item) Outcome {
	o := Outcome{Attempts: it.Attempts + 1, Refusals: it.Refusals}
	code, err := f.send(ctx, it)
	o.Code = code
	switch {
	case err == nil && code >= 200 && code < 300:
		o.State = jobs.ForwardDelivered
		return o
	case err != nil:
		o.Error = err.Error()
	default:
		o.Error = fmt.Sprintf("the target answered %d", code)
	}
	o.State = jobs.ForwardRetrying
	if notListening(err) {
		// Not this delivery's fault: it keeps its place and its refusals.
		o.NextTry = f.cfg.Clock.Now().Add(min(f.cfg.Policy.Delay(o.Attempts-1), DownProbe))
		f.cfg.Logger.Debug("forward target not listening; waiting", "target", it.URL, "attempts", o.Attempts, "next", o.NextTry, "err", o.Error)
		return o
	}
	o.Refusals++
	if o.Refusals >= f.cfg.MaxAttempts {
		o.State = jobs.ForwardFailed
		f.cfg.Logger.Warn("forward refused every time; parked as failed, the next goes out", "target", it.URL,
			"delivery", it.ID, "attempts", o.Attempts, "err", o.Error)
		return o
	}
	o.NextTry = f.cfg.Clock.Now().Add(f.cfg.Policy.Delay(o.Refusals - 1))
	f.cfg.Logger.Debug("forward refused; retrying", "target", it.URL, "attempts", o.Attempts, "next", o.NextTry, "err", o.Error)
	return o
}

// notListening reports whether err says the target could not be reached
// at all (connection refused, no route, an unknown host): the request
// never got to it.
func notListening(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// send posts the body with the headers a Svix verifier needs, signed now.
func (f *Forwarder) send(ctx context.Context, it Item) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, it.URL, bytes.NewReader(it.Body))
	if err != nil {
		return 0, fmt.Errorf("forward to %s: %w", it.URL, err)
	}
	CopyHeaders(req.Header, it.Headers)
	if err := f.signer.sign(req.Header, it, f.cfg.Clock.Now()); err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", "ReductoTray-forward")
	resp, err := f.cfg.Client.Do(req)
	if err != nil {
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) {
			err = ue.Unwrap() // "connection refused", not the whole URL again
		}
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// CopyHeaders copies the headers a forward carries from src to dst: every
// svix-* and webhook-* header and Content-Type, as received (send then
// re-signs them).
func CopyHeaders(dst, src http.Header) {
	for k, vs := range src {
		if familyOf(k) != "" || strings.EqualFold(k, "content-type") {
			dst[k] = slices.Clone(vs)
		}
	}
}
