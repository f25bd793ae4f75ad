package settings

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
)

// Environment variables of the contract that override what is saved.
const (
	EnvAPIKey   = "REDUCTO_API_KEY"
	EnvBaseURL  = "REDUCTO_BASE_URL"
	EnvSecret   = "REDUCTO_WEBHOOK_SECRET"
	EnvRelayURL = "REDUCTO_TRAY_RELAY_URL"
)

// Effective is the configuration in force: the saved settings with the
// secrets and the environment's overrides applied. It is what the engine,
// the receiver, the notifier and the UI apply.
type Effective struct {
	Settings
	// APIKey is $REDUCTO_API_KEY, else the stored key; "" when neither.
	APIKey string
	// WebhookSecret is $REDUCTO_WEBHOOK_SECRET, else the stored secret.
	WebhookSecret string
	// APIBaseURL is $REDUCTO_BASE_URL, else the region's URL.
	APIBaseURL string
	// KeyFromEnv and SecretFromEnv say an environment variable overrides
	// the stored value, so editing it in Settings changes nothing.
	KeyFromEnv, SecretFromEnv bool
}

// Service owns the settings: loading them (file, keyring, environment),
// validating, saving and telling every subscriber what is now in force.
// Widgets only ask it to save; the engine, receiver and notifier subscribe.
// It is safe for concurrent use; calls that touch the keyring may block, so
// the UI calls them off its main goroutine.
type Service struct {
	home    string
	secrets *Secrets
	getenv  func(string) string
	// checkSecret validates a Svix signing secret (the receiver's rule).
	checkSecret func(string) error

	mu   sync.Mutex // guards cur, subs, next
	cur  Settings
	subs map[int]func(Effective)
	next int

	saveMu sync.Mutex // one save (file, keyring, subscribers) at a time
}

// ServiceConfig wires a Service.
type ServiceConfig struct {
	Home    string
	Secrets *Secrets
	// Getenv reads the environment; nil = os.Getenv.
	Getenv func(string) string
	// CheckSecret validates a non-empty Svix signing secret; nil accepts
	// any.
	CheckSecret func(string) error
}

// NewService loads the settings saved in cfg.Home. A corrupt or unreadable
// file gives the defaults and an error describing it; the service is usable
// either way.
func NewService(cfg ServiceConfig) (*Service, error) {
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.CheckSecret == nil {
		cfg.CheckSecret = func(string) error { return nil }
	}
	s := &Service{home: cfg.Home, secrets: cfg.Secrets, getenv: cfg.Getenv, checkSecret: cfg.CheckSecret, subs: map[int]func(Effective){}}
	cur, err := Load(cfg.Home)
	s.cur = cur
	return s, err
}

// Getenv reads the environment the service was given.
func (s *Service) Getenv(name string) string { return s.getenv(name) }

// Home is the data folder the settings belong to.
func (s *Service) Home() string { return s.home }

// Settings returns a copy of the saved settings (no secrets), which the
// caller may change freely: no slice or raw JSON is shared with the
// service. It never blocks.
func (s *Service) Settings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.cur)
}

// clone deep-copies settings through their JSON form, which is what is
// saved anyway; settings are small and read rarely.
func clone(in Settings) Settings {
	data, err := json.Marshal(in)
	if err != nil {
		return in // cannot happen for these types; a shallow copy then
	}
	var out Settings
	if err := json.Unmarshal(data, &out); err != nil {
		return in
	}
	return out
}

// Effective returns the configuration in force. It reads the keyring.
func (s *Service) Effective() Effective {
	return s.effective(s.Settings())
}

func (s *Service) effective(cur Settings) Effective {
	e := Effective{Settings: cur, APIBaseURL: cur.BaseURL()}
	if v := strings.TrimSpace(s.getenv(EnvBaseURL)); v != "" {
		e.APIBaseURL = strings.TrimRight(v, "/")
	}
	if v := s.getenv(EnvAPIKey); v != "" {
		e.APIKey, e.KeyFromEnv = v, true
	} else if s.secrets != nil {
		e.APIKey, _ = s.secrets.Get(SecretAPIKey)
	}
	if v := s.getenv(EnvSecret); v != "" {
		e.WebhookSecret, e.SecretFromEnv = v, true
	} else if s.secrets != nil {
		e.WebhookSecret, _ = s.secrets.Get(SecretWebhook)
	}
	return e
}

// CheckEnv reports environment values that cannot work, such as an invalid
// $REDUCTO_WEBHOOK_SECRET, with a message naming the variable. The app
// refuses to start with them rather than run with a secret that verifies
// nothing.
func (s *Service) CheckEnv() error {
	if v := s.getenv(EnvSecret); v != "" {
		if err := s.checkSecret(v); err != nil {
			return fmt.Errorf("%s: %w", EnvSecret, err)
		}
	}
	if v := s.getenv(EnvBaseURL); v != "" {
		if err := checkURL(v, EnvBaseURL); err != nil {
			return err
		}
	}
	return nil
}

// Secret returns the stored secret name (not the environment's).
func (s *Service) Secret(name string) (string, error) {
	if s.secrets == nil {
		return "", nil
	}
	return s.secrets.Get(name)
}

// Save validates next, writes it and tells every subscriber.
func (s *Service) Save(next Settings) error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if err := Save(s.home, next); err != nil {
		return err
	}
	s.mu.Lock()
	s.cur = clone(next)
	s.mu.Unlock()
	s.publish(next)
	return nil
}

// Update applies change to the saved settings and saves the result, so
// concurrent edits of different fields never undo each other.
func (s *Service) Update(change func(*Settings)) (Settings, error) {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	next := s.Settings()
	change(&next)
	if err := Save(s.home, next); err != nil {
		return s.Settings(), err
	}
	s.mu.Lock()
	s.cur = clone(next)
	s.mu.Unlock()
	s.publish(next)
	return next, nil
}

// SetSecret stores (or, with "", deletes) the secret name and tells every
// subscriber at once: clearing the key or the signing secret takes effect
// immediately. A webhook secret is validated first.
func (s *Service) SetSecret(name, value string) error {
	value = strings.TrimSpace(value)
	if name == SecretWebhook && value != "" {
		if err := s.checkSecret(value); err != nil {
			return err
		}
	}
	if s.secrets == nil {
		return fmt.Errorf("store %s: no secret store", name)
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if err := s.secrets.Set(name, value); err != nil {
		return err
	}
	s.publish(s.Settings())
	return nil
}

// Subscribe calls fn with the configuration in force after every change,
// on the goroutine that made it; fn must not block for long. It returns a
// function that unsubscribes.
func (s *Service) Subscribe(fn func(Effective)) (cancel func()) {
	s.mu.Lock()
	id := s.next
	s.next++
	s.subs[id] = fn
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

// publish hands the new configuration to every subscriber; called with
// saveMu held, so subscribers see changes in order.
func (s *Service) publish(cur Settings) {
	eff := s.effective(cur)
	s.mu.Lock()
	fns := make([]func(Effective), 0, len(s.subs))
	for _, fn := range s.subs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(eff)
	}
}
