//go:build !linux

package ui

import "context"

// watchTrayHost reports a tray host: Windows' notification area and macOS's
// menu bar are always there.
func watchTrayHost(_ context.Context, changed func(present bool)) error {
	changed(true)
	return nil
}
