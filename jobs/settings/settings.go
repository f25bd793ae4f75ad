// Package settings holds the user's saved preferences (a JSON file in the
// data folder) and secrets (the OS keyring, falling back to 0600 files).
// Environment variables of the contract override what is saved.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// Regions a user can pick; Custom uses Settings.CustomBaseURL.
const (
	RegionUS     = "us"
	RegionEU     = "eu"
	RegionAU     = "au"
	RegionCustom = "custom"
)

// Notification modes.
const (
	NotifyAll      = "all"
	NotifyFailures = "failures"
	NotifyOff      = "off"
)

// DefaultListen is the receiver's default address (contract: --listen).
const DefaultListen = "127.0.0.1:7433"

// Settings are the saved preferences. Secrets are not here: see Secrets.
type Settings struct {
	Region            string       `json:"region"`
	CustomBaseURL     string       `json:"custom_base_url,omitempty"`
	Defaults          jobs.Options `json:"defaults"` // what new submissions use
	PublicURL         string       `json:"public_url,omitempty"`
	Listen            string       `json:"listen"`
	Relay             bool         `json:"relay,omitempty"`
	Notifications     string       `json:"notifications"`
	StartAtLogin      bool         `json:"start_at_login,omitempty"`
	UploadConcurrency int          `json:"upload_concurrency"`
	// WatchFolders are watched on every run (hot folders).
	WatchFolders []jobs.WatchFolder `json:"watch_folders,omitempty"`
	// Sandbox records the first-run choice to try the app with the
	// simulated API instead of entering a key.
	Sandbox bool `json:"sandbox,omitempty"`
	// CloseQuits makes closing the window quit the app instead of hiding
	// it, for desktops with no tray icon to bring the window back.
	CloseQuits bool `json:"close_quits,omitempty"`
	// MonitorAccount: "Monitor every job on this account", also the jobs
	// this install did not submit (jobs/account).
	MonitorAccount bool `json:"monitor_account,omitempty"`
	// ForwardTargets receive every verified webhook delivery, exactly as
	// it came (receiver/forward).
	ForwardTargets []string `json:"forward_targets,omitempty"`
	// AccountNotifications is the notification mode (all, failures, off)
	// for those jobs; "" means failures.
	AccountNotifications string `json:"account_notifications,omitempty"`
	// MonthlyBudget is a monthly credit budget, notified once a month
	// when crossed; 0 means none.
	MonthlyBudget float64 `json:"monthly_budget,omitempty"`
	// AccountRetentionDays is how long the account's other jobs are kept
	// in the history (jobs/account); see retention.go.
	AccountRetentionDays int `json:"account_retention_days"`
}

// Default returns the settings of a fresh install.
func Default() Settings {
	return Settings{
		Region:            RegionUS,
		Defaults:          jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookNone},
		Listen:            DefaultListen,
		Notifications:     NotifyAll,
		UploadConcurrency: 4,

		AccountRetentionDays: DefaultAccountRetentionDays,
	}
}

// BaseURL is the API base URL the region selects.
func (s Settings) BaseURL() string {
	switch s.Region {
	case RegionEU:
		return reducto.BaseURLEU
	case RegionAU:
		return reducto.BaseURLAU
	case RegionCustom:
		if s.CustomBaseURL != "" {
			return strings.TrimRight(s.CustomBaseURL, "/")
		}
	}
	return reducto.BaseURLUS
}

// Validate reports the first setting that cannot work.
func (s Settings) Validate() error {
	switch s.Region {
	case RegionUS, RegionEU, RegionAU:
	case RegionCustom:
		if err := checkURL(s.CustomBaseURL, "custom API URL"); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown region %q", s.Region)
	}
	if !s.Defaults.Kind.Valid() {
		return fmt.Errorf("unknown default kind %q", s.Defaults.Kind)
	}
	if !s.Defaults.Webhook.Valid() {
		return fmt.Errorf("unknown webhook mode %q (want none, svix or direct)", s.Defaults.Webhook)
	}
	if s.PublicURL != "" {
		if err := checkURL(s.PublicURL, "public URL"); err != nil {
			return err
		}
	}
	switch s.Notifications {
	case NotifyAll, NotifyFailures, NotifyOff:
	default:
		return fmt.Errorf("unknown notification mode %q", s.Notifications)
	}
	switch s.AccountNotifications {
	case "", NotifyAll, NotifyFailures, NotifyOff:
	default:
		return fmt.Errorf("unknown account notification mode %q", s.AccountNotifications)
	}
	if s.MonthlyBudget < 0 {
		return fmt.Errorf("monthly budget %g must not be negative", s.MonthlyBudget)
	}
	if err := checkAccountRetention(s.AccountRetentionDays); err != nil {
		return err
	}
	if s.UploadConcurrency < 1 || s.UploadConcurrency > 32 {
		return fmt.Errorf("upload concurrency %d must be between 1 and 32", s.UploadConcurrency)
	}
	for _, u := range s.ForwardTargets {
		if err := CheckForwardURL(u); err != nil {
			return err
		}
	}
	return nil
}

// Load reads the settings saved in home; a missing file gives Default().
// Fields missing from an older file keep their defaults.
func Load(home string) (Settings, error) {
	s := Default()
	data, err := os.ReadFile(datadir.SettingsPath(home))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read settings: %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return Default(), fmt.Errorf("settings file %s is corrupt (using defaults): %w", datadir.SettingsPath(home), err)
	}
	return s, nil
}

// Save writes s to home atomically (a crash or a full disk never leaves a
// half-written file behind) with mode 0600.
func Save(home string, s Settings) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	if err := WriteFileAtomic(datadir.SettingsPath(home), data); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

// checkURL applies the one rule for URLs the app sends documents or
// credentials to: https://, or plain http:// only to a loopback host.
func checkURL(u, what string) error { return reducto.CheckSecureURL(u, what) }
