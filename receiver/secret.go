package receiver

import "github.com/reductotray/reducto-tray/jobs/settings"

// MinSecretBytes is the shortest Svix signing key accepted, in decoded
// bytes (settings.MinWebhookSecretBytes: the rule lives there, so Settings
// refuses what the verifier would).
const MinSecretBytes = settings.MinWebhookSecretBytes

// ErrWeakSecret is wrapped by every ValidateSecret error.
var ErrWeakSecret = settings.ErrWeakWebhookSecret

// ValidateSecret checks a Svix signing secret as the verifier uses it
// (settings.ValidateWebhookSecret). An empty secret is an error too; a
// caller for which empty means "Svix off" checks for that first.
func ValidateSecret(s string) error { return settings.ValidateWebhookSecret(s) }
