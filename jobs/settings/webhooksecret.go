package settings

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// MinWebhookSecretBytes is the shortest Svix signing key accepted, in decoded
// bytes. Svix issues 24- or 32-byte keys; an empty or short key is one an
// attacker can guess, and with it forge any delivery.
const MinWebhookSecretBytes = 16

// secretPrefix is how Svix prints a signing secret: "whsec_" + base64(key).
const secretPrefix = "whsec_"

// ErrWeakWebhookSecret is wrapped by every ValidateWebhookSecret error, so callers can
// tell a bad secret from other failures with errors.Is.
var ErrWeakWebhookSecret = errors.New("invalid Svix signing secret")

// ValidateWebhookSecret checks a Svix signing secret as the verifier will use it:
// "whsec_" (optional, as in the Svix libraries) followed by standard base64
// of at least MinWebhookSecretBytes bytes. The error says what is wrong and what
// is expected, and never contains the secret. An empty secret is an error
// too; a caller for which empty means "Svix off" checks for that first.
func ValidateWebhookSecret(s string) error {
	const want = `expected "whsec_" followed by the base64 key shown in the Svix portal`
	key := strings.TrimPrefix(s, secretPrefix)
	if key == "" {
		return fmt.Errorf("%w: the key is empty (%s)", ErrWeakWebhookSecret, want)
	}
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		// The decoder's error names a byte offset, which is safe to show.
		return fmt.Errorf("%w: the key is not valid base64 (%v); %s", ErrWeakWebhookSecret, err, want)
	}
	if len(raw) < MinWebhookSecretBytes {
		return fmt.Errorf("%w: the key is %d bytes, at least %d are needed (%s)",
			ErrWeakWebhookSecret, len(raw), MinWebhookSecretBytes, want)
	}
	return nil
}
