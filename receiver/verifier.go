package receiver

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/clock"
)

// tolerance is Svix's replay window, in both directions.
const tolerance = 5 * time.Minute

var (
	// errNoSecret wraps every misconfiguration: no secret, or one that is
	// not a usable secret (see ValidateSecret).
	errNoSecret    = errors.New("no valid webhook secret configured")
	errTooOld      = errors.New("message timestamp too old")
	errTooNew      = errors.New("message timestamp too new")
	errTimestamp   = errors.New("invalid signature headers")
	errHeaders     = errors.New("missing signature headers")
	errNoSignature = errors.New("no v1 signature in the signature header")
)

// verifier checks Svix deliveries in two steps: precheck, on the headers
// alone before any of the body is read, and verify, the MAC over the body.
// Building a *svix.Webhook decodes base64, so it is cached per secret
// rather than per request; a changed secret replaces the cache on the next
// delivery.
type verifier struct {
	secret func() string
	clock  clock.Clock // nil = the wall clock
	log    *slog.Logger

	cached atomic.Pointer[cachedWebhook]
	// warned remembers the last misconfiguration logged, so a flood of
	// deliveries produces one warning, not one per request.
	mu     sync.Mutex
	warned string
}

type cachedWebhook struct {
	secret string
	wh     *svix.Webhook
	err    error
}

// svixHeaders picks the header family exactly as the svix library does: the
// webhook-* trio is used unless all three svix-* headers are present. The id
// returned is therefore the one the signature covered.
func svixHeaders(h http.Header) (id, timestamp, signature string) {
	id, timestamp, signature = h.Get("svix-id"), h.Get("svix-timestamp"), h.Get("svix-signature")
	if id == "" || timestamp == "" || signature == "" {
		id, timestamp, signature = h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	}
	return id, timestamp, signature
}

// webhook returns the verifier for the current secret.
func (v *verifier) webhook() (*svix.Webhook, error) {
	secret := v.secret()
	if c := v.cached.Load(); c != nil && c.secret == secret {
		return c.wh, c.err
	}
	c := &cachedWebhook{secret: secret}
	switch {
	case secret == "":
		c.err = reject(jobs.VerdictBadSignature, errNoSecret, "no webhook secret in Settings (or REDUCTO_WEBHOOK_SECRET): Svix deliveries cannot be verified")
	default:
		// A short key verifies nothing (anyone can sign with "whsec_"), so
		// it is refused like no key at all. Never put the secret itself in
		// the error: it ends up in logs.
		if err := ValidateSecret(secret); err != nil {
			c.err = reject(jobs.VerdictBadSignature, fmt.Errorf("%w: %w", errNoSecret, err), "the webhook secret in Settings is not usable: %v", err)
			break
		}
		wh, err := svix.NewWebhook(secret)
		if err != nil {
			c.err = reject(jobs.VerdictBadSignature, fmt.Errorf("%w: %v", errNoSecret, err), "the webhook secret in Settings is not usable: %v", err)
			break
		}
		c.wh = wh
	}
	v.cached.Store(c)
	v.warnOnce(c.err)
	return c.wh, c.err
}

func (v *verifier) warnOnce(err error) {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	v.mu.Lock()
	changed := v.warned != msg
	v.warned = msg
	v.mu.Unlock()
	if changed && err != nil {
		v.log.Warn("svix deliveries are refused with 401", "reason", msg)
	}
}

// precheck refuses, from the headers alone, what can never verify: no
// usable secret, a missing id, timestamp or signature, a timestamp outside
// the replay window, a signature header without a v1 entry. It runs before
// the body is read, so an unauthenticated client cannot make the receiver
// hold a body buffer with headers that are wrong on their face. On success
// it returns the verifier to check the body's MAC with.
func (v *verifier) precheck(h http.Header) (*svix.Webhook, error) {
	wh, err := v.webhook()
	if err != nil {
		return nil, err
	}
	id, ts, sig := svixHeaders(h)
	if id == "" || ts == "" || sig == "" {
		return nil, reject(jobs.VerdictBadSignature, errHeaders, "%s", missingHeaders(h))
	}
	// The same rules as svix's verifyTimestamp, against the injected clock
	// when there is one (the sandbox's sped-up clock and its signer agree).
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, reject(jobs.VerdictBadSignature, errTimestamp, "the timestamp header %.40q is not a Unix time", ts)
	}
	now := time.Now()
	if v.clock != nil {
		now = v.clock.Now()
	}
	t := time.Unix(sec, 0)
	if age := now.Sub(t); age > tolerance {
		return nil, reject(jobs.VerdictStale, errTooOld, "timestamp %s old: the computer's clock or a retried delivery", roughly(age))
	}
	if t.Unix() > now.Add(tolerance).Unix() {
		return nil, reject(jobs.VerdictStale, errTooNew, "timestamp %s in the future: the computer's clock is behind", roughly(t.Sub(now)))
	}
	if !hasV1Signature(sig) {
		return nil, reject(jobs.VerdictBadSignature, errNoSignature, "the signature header has no v1 signature")
	}
	return wh, nil
}

// hasV1Signature reports whether a signature header has an entry the svix
// library would compare: "v1,<something>" in a space-separated list.
func hasV1Signature(sig string) bool {
	for entry := range strings.SplitSeq(sig, " ") {
		if version, mac, ok := strings.Cut(entry, ","); ok && version == "v1" && mac != "" {
			return true
		}
	}
	return false
}

// verify checks body's MAC. The timestamp was checked by precheck, with
// the right clock, so the library is asked for the MAC alone.
func verify(wh *svix.Webhook, body []byte, h http.Header) error {
	return wh.VerifyIgnoringTimestamp(body, h)
}
