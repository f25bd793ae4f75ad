// Package datadir owns the data folder ($REDUCTO_TRAY_HOME) and the name of
// every file the app keeps in it, the way syncthing's lib/locations does:
// a new file is added here, and no other package spells a name of its own.
// It imports nothing of this module, so the store, the receiver and the
// settings can all ask it without importing each other; its only I/O is
// creating the folder and narrowing modes.
package datadir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// HomeEnv names the environment variable that chooses the data folder
// (contract: REDUCTO_TRAY_HOME).
const HomeEnv = "REDUCTO_TRAY_HOME"

// Home returns the data folder: $REDUCTO_TRAY_HOME, else "reducto-tray"
// under the user's config dir. It creates it with mode 0700, and narrows an
// existing folder to 0700: it holds the history of the user's files, tokens
// and perhaps secrets.
func Home() (string, error) {
	dir := os.Getenv(HomeEnv)
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the config dir (set %s): %w", HomeEnv, err)
		}
		dir = filepath.Join(base, "reducto-tray")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("data folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create data folder: %w", err)
	}
	// MkdirAll leaves an existing folder as it was (often 0755).
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("make data folder %s private: %w", dir, err)
	}
	return dir, nil
}

// MakePrivate narrows an existing file in the data folder to mode 0600, for
// files created before the app made them private or by another program. A
// missing file is not an error.
func MakePrivate(path string) error {
	if err := os.Chmod(path, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("make %s private: %w", path, err)
	}
	return nil
}

// DatabasePath is the SQLite history inside home.
func DatabasePath(home string) string { return filepath.Join(home, "history.db") }

// LogPath is the app's log; rotation keeps one older copy beside it with
// ".1" appended.
func LogPath(home string) string { return filepath.Join(home, "reducto-tray.log") }

// SettingsPath is the saved preferences (JSON).
func SettingsPath(home string) string { return filepath.Join(home, "settings.json") }

// SecretPath is the 0600 file that holds the secret called name
// (settings.SecretAPIKey, settings.SecretWebhook) where no OS keyring works.
func SecretPath(home, name string) string { return filepath.Join(home, name) }

// ControlSocketPath is the Unix socket a second launch hands its files to.
func ControlSocketPath(home string) string { return filepath.Join(home, "control.sock") }

// ControlLockPath is the file whose lock marks the process that owns the
// data folder.
func ControlLockPath(home string) string { return filepath.Join(home, "control.lock") }

// ControlAddrPath is where, on Windows, the owner writes the loopback
// address of its control channel (no Unix socket there).
func ControlAddrPath(home string) string { return filepath.Join(home, "control.addr") }

// DirectTokenPath is the random per-install secret of the direct webhook
// URL (/webhooks/direct/{token}).
func DirectTokenPath(home string) string { return filepath.Join(home, "direct_token") }

// RelayTokenPath is the Svix relay's per-install token.
func RelayTokenPath(home string) string { return filepath.Join(home, "relay_token") }

// SandboxStatePath is where the simulated API (--sandbox) keeps its jobs
// across restarts.
func SandboxStatePath(home string) string { return filepath.Join(home, "sandbox.json") }

// PresetsDir is the folder of presets, one JSON file each (contract:
// presets/ of the data folder).
func PresetsDir(home string) string { return filepath.Join(home, "presets") }

// ExamplesDir is the folder of sample documents a first --sandbox run
// writes beside its example presets (jobs/core/examples.go).
func ExamplesDir(home string) string { return filepath.Join(home, "examples") }
