package receiver

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs/clock"
)

// tolerance is Svix's replay window, in both directions.
const tolerance = 5 * time.Minute

var (
	// errNoSecret wraps every misconfiguration: no secret, or one that is
	// not a secret at all.
	errNoSecret  = errors.New("no valid webhook secret configured")
	errTooOld    = errors.New("message timestamp too old")
	errTooNew    = errors.New("message timestamp too new")
	errTimestamp = errors.New("invalid signature headers")
)

// verifier checks Svix signatures against whatever secret is current. Building
// a *svix.Webhook decodes base64, so it is cached per secret rather than per
// request; a changed secret replaces the cache on the next delivery.
type verifier struct {
	secret func() string
	clock  clock.Clock // nil = svix's own wall-clock check
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
		c.err = errNoSecret
	default:
		wh, err := svix.NewWebhook(secret)
		if err != nil {
			// Never put the secret itself in the error: it ends up in logs.
			c.err = fmt.Errorf("%w: secret is not valid base64 (expected whsec_...): %v", errNoSecret, err)
		} else {
			c.wh = wh
		}
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

// verify checks body against the signature headers. A nil error means the
// delivery is authentic and fresh enough.
func (v *verifier) verify(body []byte, h http.Header) error {
	wh, err := v.webhook()
	if err != nil {
		return err
	}
	if v.clock == nil {
		return wh.Verify(body, h)
	}
	// With an injected clock the timestamp window is checked here, with the
	// same rules as svix's verifyTimestamp, and the library checks the MAC.
	_, ts, _ := svixHeaders(h)
	if ts != "" {
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return errTimestamp
		}
		now := v.clock.Now()
		t := time.Unix(sec, 0)
		if now.Sub(t) > tolerance {
			return errTooOld
		}
		if t.Unix() > now.Add(tolerance).Unix() {
			return errTooNew
		}
	}
	return wh.VerifyIgnoringTimestamp(body, h)
}
