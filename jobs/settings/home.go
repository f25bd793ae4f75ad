package settings

import (
	"errors"
	"fmt"
	"io/fs"
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
// renames it over path, with mode 0600: a crash or a full disk never leaves
// a half-written file behind.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := writePrivateTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // a no-op once renamed
	return os.Rename(tmp, path)
}

// CreateFileExclusive writes data to path with mode 0600 only if path does
// not exist yet, and no reader ever sees a half-written file: the complete
// file is hard-linked into place. When two processes race, one wins and
// the other gets an error matching fs.ErrExist (and should read the
// winner's file). File systems without hard links fall back to an
// exclusive create.
func CreateFileExclusive(path string, data []byte) error {
	tmp, err := writePrivateTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	return errors.Join(werr, f.Close())
}

// writePrivateTemp writes data to a new 0600 temporary file beside path,
// synced to disk, and returns its name.
func writePrivateTemp(path string, data []byte) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return "", err
	}
	name := tmp.Name()
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}
