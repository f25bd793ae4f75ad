//go:build !windows

// Package autostart starts Reducto Tray at login: the XDG autostart entry
// on Linux and BSD desktops ($XDG_CONFIG_HOME/autostart/<id>.desktop), the
// per-user Run key of the registry on Windows. It is plain Go.
package autostart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Path is where the entry of app id lives.
func Path(id string) (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the autostart folder: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", id+".desktop"), nil
}

// Enabled reports whether the entry of app id exists.
func Enabled(id string) bool {
	p, err := Path(id)
	if err != nil {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}

// Enable writes the entry that runs exec (an absolute path) at login.
func Enable(id, name, exec string) error {
	p, err := Path(id)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("create autostart folder: %w", err)
	}
	// TryExec: once the program is gone (its package removed, its folder
	// deleted) session managers ignore the entry instead of failing to
	// start it at every login; no package script has to reach into the
	// users' home folders.
	entry := fmt.Sprintf("[Desktop Entry]\nType=Application\nName=%s\nExec=%s\nTryExec=%s\nIcon=%s\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
		name, quoteExec(exec), strings.ReplaceAll(exec, `\`, `\\`), id)
	if err := os.WriteFile(p, []byte(entry), 0o644); err != nil {
		return fmt.Errorf("write autostart entry: %w", err)
	}
	return nil
}

// Disable removes the entry; a missing one is fine.
func Disable(id string) error {
	p, err := Path(id)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove autostart entry: %w", err)
	}
	return nil
}

// quoteExec quotes a program path for the Exec key as the Desktop Entry
// specification requires when it holds spaces or reserved characters.
func quoteExec(s string) string {
	if !strings.ContainsAny(s, " \t\"'\\><~|&;$*?#()`") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`)
	return `"` + r.Replace(s) + `"`
}
