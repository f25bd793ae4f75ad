package notify

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// iconFile is the name of the app icon kept for Windows notifications.
const iconFile = "notification-icon.png"

// iconMu serialises writes of the stable icon file.
var iconMu sync.Mutex

// iconArg returns what BeeepSender passes beeep as the icon. On Windows a
// toast names its app by an AppUserModelID whose registry entry
// (HKCU\Software\Classes\AppUserModelId\<AppName>, written by go-toast)
// keeps the icon's path for later toasts and the Action Center. Handed the
// PNG bytes, beeep would write them to a temporary file and delete it as
// soon as the toast is pushed, leaving the entry pointing at nothing; so
// the bytes are kept in a file of their own under the user's local
// application data, written once and rewritten only when they change.
func (s BeeepSender) iconArg(name string) (any, error) {
	if len(s.Icon) == 0 {
		return s.IconPath, nil
	}
	dir, err := os.UserCacheDir() // %LocalAppData%
	if err != nil {
		return nil, fmt.Errorf("notification icon: %w", err)
	}
	path := filepath.Join(dir, name, iconFile)
	iconMu.Lock()
	defer iconMu.Unlock()
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, s.Icon) {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("notification icon folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".icon-*")
	if err != nil {
		return nil, fmt.Errorf("notification icon: %w", err)
	}
	_, werr := tmp.Write(s.Icon)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		// A toast being shown may hold the old file; a failed rename
		// keeps the old icon, which is still the app's.
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
		return nil, fmt.Errorf("write notification icon %s: %w", path, werr)
	}
	return path, nil
}
