// Package autostart starts Reducto Tray at login: the XDG autostart entry
// on Linux and BSD desktops, the per-user Run key of the registry on
// Windows (HKCU\Software\Microsoft\Windows\CurrentVersion\Run), which needs
// no administrator rights and is what Task Manager's Startup tab lists.
package autostart

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// runKey is the per-user list of programs started at login.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// Enabled reports whether the Run value of app id exists.
func Enabled(id string) bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue(id)
	return err == nil
}

// Enable writes the Run value that starts exec (an absolute path) at login.
func Enable(id, _, exec string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("open the Run key: %w", err)
	}
	defer k.Close()
	if err := k.SetStringValue(id, quote(exec)); err != nil {
		return fmt.Errorf("write the Run value: %w", err)
	}
	return nil
}

// Disable removes the Run value; a missing one is fine.
func Disable(id string) error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open the Run key: %w", err)
	}
	defer k.Close()
	if err := k.DeleteValue(id); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("remove the Run value: %w", err)
	}
	return nil
}

// quote wraps a path holding spaces in quotes, as the Run key expects.
func quote(path string) string {
	if strings.ContainsAny(path, " \t") && !strings.HasPrefix(path, `"`) {
		return `"` + path + `"`
	}
	return path
}
