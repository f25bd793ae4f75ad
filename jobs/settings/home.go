package settings

import (
	"fmt"
	"os"
	"path/filepath"
)

// HomeEnv names the environment variable that chooses the data folder.
const HomeEnv = "REDUCTO_TRAY_HOME"

// Home returns the data folder: $REDUCTO_TRAY_HOME, else "reducto-tray"
// under the user's config dir. It creates it with mode 0700.
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
	return dir, nil
}

// DatabasePath is the SQLite history inside home.
func DatabasePath(home string) string { return filepath.Join(home, "history.db") }

// WriteFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path, with mode 0600.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
