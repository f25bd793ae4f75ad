package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/reductotray/reducto-tray/jobs/safefs"
)

// HomeEnv names the environment variable that chooses the data folder.
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

// The files the app keeps in the data folder, in one place, so that a new
// one is added here and no caller spells a name of its own.

// DatabasePath is the SQLite history inside home.
func DatabasePath(home string) string { return filepath.Join(home, "history.db") }

// LogPath is the app's log; rotation keeps one older copy beside it with
// ".1" appended.
func LogPath(home string) string { return filepath.Join(home, "reducto-tray.log") }

// SettingsPath is the saved preferences (JSON).
func SettingsPath(home string) string { return filepath.Join(home, fileName) }

// SecretPath is the 0600 file that holds the secret called name (SecretAPIKey,
// SecretWebhook) where no OS keyring works.
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

// PresetsDir is the folder of presets, one JSON file each.
func PresetsDir(home string) string { return filepath.Join(home, "presets") }

// WriteFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path, with mode 0600: a crash or a full disk never leaves
// a half-written file behind, and a link at path is replaced, never
// written through (safefs.Replace).
func WriteFileAtomic(path string, data []byte) error {
	return safefs.Replace(path, 0o600, data)
}

// CreateFileExclusive writes data to path with mode 0600 only if path does
// not exist yet, and no reader ever sees a half-written file: the complete
// file is moved into place without replacing anything (safefs.WriteNew).
// When two processes race, one wins and the other gets an error matching
// fs.ErrExist (and should read the winner's file).
func CreateFileExclusive(path string, data []byte) error {
	return safefs.WriteNew(path, 0o600, data)
}
