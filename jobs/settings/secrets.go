package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/reductotray/reducto-tray/jobs/datadir"
)

// keyringService is the service name secrets are stored under in the OS keyring.
const keyringService = "Reducto Tray"

// keyringTimeout bounds a keyring call: a Secret Service that waits for an
// unlock prompt must not freeze the app.
const keyringTimeout = 3 * time.Second

// Names of the secrets kept.
const (
	SecretAPIKey  = "api_key"
	SecretWebhook = "webhook_secret"
)

// Secrets stores the API key and the Svix signing secret in the OS keyring
// and falls back to a 0600 file in the data folder where no keyring works
// (headless servers, CI).
type Secrets struct {
	home       string
	useKeyring bool
}

// NewSecrets returns the secret store of home. With useKeyring false only
// the files are used (tests, --headless servers).
func NewSecrets(home string, useKeyring bool) *Secrets {
	return &Secrets{home: home, useKeyring: useKeyring}
}

// Get returns the secret name, or "" if none is stored.
func (s *Secrets) Get(name string) (string, error) {
	if s.useKeyring {
		v, err := withTimeout(func() (string, error) { return keyring.Get(keyringService, name) })
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, keyring.ErrNotFound) {
			slog.Debug("keyring unavailable, using the file", "secret", name, "err", err)
		}
	}
	data, err := os.ReadFile(s.file(name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	return strings.TrimSpace(string(data)), nil
}

// Set stores the secret name; an empty value deletes it.
func (s *Secrets) Set(name, value string) error {
	if value == "" {
		if s.useKeyring {
			_, _ = withTimeout(func() (string, error) { return "", keyring.Delete(keyringService, name) })
		}
		if err := os.Remove(s.file(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete %s: %w", name, err)
		}
		return nil
	}
	if s.useKeyring {
		_, err := withTimeout(func() (string, error) { return "", keyring.Set(keyringService, name, value) })
		if err == nil {
			// Keep no second copy on disk once the keyring holds it.
			_ = os.Remove(s.file(name))
			return nil
		}
		slog.Info("OS keyring unavailable; keeping the secret in a 0600 file", "secret", name, "err", err)
	}
	if err := WriteFileAtomic(s.file(name), []byte(value)); err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	return nil
}

func (s *Secrets) file(name string) string { return datadir.SecretPath(s.home, name) }

func withTimeout(f func() (string, error)) (string, error) {
	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(keyringTimeout):
		return "", errors.New("keyring did not answer in time")
	}
}

// Mask shows enough of a secret to recognise it, never the whole of it.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	if len(secret) <= 8 {
		return strings.Repeat("•", 8)
	}
	return secret[:4] + strings.Repeat("•", 8) + secret[len(secret)-4:]
}
