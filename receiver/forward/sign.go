package forward

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// signer re-signs each forward as it is sent. Svix verifiers refuse a
// timestamp more than five minutes old, so the delivery's own signature
// goes stale while a forward waits for a target that is down, an app
// restart or a replay: the forward gets a fresh timestamp and a signature
// made with the secret in force, over the same id and the exact body, so
// the handler's dedupe (on the id) and its verification both hold.
//
// A direct-mode delivery carries no signature: with a secret in force it
// is signed like a Svix one, under svix-id = its delivery id; without one
// it goes unsigned, as it came. Building a *svix.Webhook decodes base64,
// so it is cached per secret.
type signer struct {
	secret func() string // nil: forwards go as received
	log    *slog.Logger

	mu     sync.Mutex
	cached bool   // last, wh and err hold
	last   string // the secret wh was built from
	wh     *svix.Webhook
	err    error
}

// webhook returns the signer for the secret in force; nil without one.
func (s *signer) webhook() (*svix.Webhook, error) {
	if s.secret == nil {
		return nil, nil
	}
	secret := s.secret()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cached && secret == s.last {
		return s.wh, s.err
	}
	s.cached, s.last, s.wh, s.err = true, secret, nil, nil
	if secret == "" {
		return nil, nil
	}
	if err := settings.ValidateWebhookSecret(secret); err != nil {
		// Never the secret itself in the error: it ends up in logs.
		s.err = fmt.Errorf("the webhook secret in Settings is not usable: %w", err)
	} else if s.wh, err = svix.NewWebhook(secret); err != nil {
		s.err = fmt.Errorf("the webhook secret in Settings is not usable: %w", err)
	}
	if s.err != nil {
		// Once per secret: the cache answers the next forwards.
		s.log.Warn("forwards go with their original signature, which a handler refuses once it is 5 min old", "err", s.err)
	}
	return s.wh, s.err
}

// sign sets h's signature headers for it's body, signed at now. Without a
// usable secret h is left as received.
func (s *signer) sign(h http.Header, it Item, now time.Time) error {
	wh, err := s.webhook()
	if wh == nil || err != nil {
		return nil // logged once by webhook; the forward still goes
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	if it.Via == jobs.ViaDirect {
		// Nothing verified the svix-*/webhook-* headers of a direct
		// request (its token did): none of them is signed over.
		for k := range h {
			if familyOf(k) != "" {
				delete(h, k)
			}
		}
	}
	signed := false
	for _, family := range families {
		id := h.Get(family + "id")
		if id == "" {
			continue
		}
		sig, err := wh.Sign(id, now, it.Body)
		if err != nil {
			return fmt.Errorf("sign forward of %s: %w", id, err)
		}
		h.Set(family+"timestamp", ts)
		h.Set(family+"signature", sig)
		signed = true
	}
	if !signed {
		// No id header (a direct delivery): the delivery id stands in.
		sig, err := wh.Sign(it.ID, now, it.Body)
		if err != nil {
			return fmt.Errorf("sign forward of %s: %w", it.ID, err)
		}
		h.Set("svix-id", it.ID)
		h.Set("svix-timestamp", ts)
		h.Set("svix-signature", sig)
	}
	return nil
}

// families are the two header sets a Svix verifier reads.
var families = []string{"svix-", "webhook-"}

// familyOf returns the family ("svix-", "webhook-") header key k belongs
// to, "" for any other header.
func familyOf(k string) string {
	lk := strings.ToLower(k)
	for _, f := range families {
		if strings.HasPrefix(lk, f) {
			return f
		}
	}
	return ""
}
