package ui

import (
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
)

// Version is shown in the app's metadata; main sets it from the core.
var Version = "dev"

// RunConfig is what Run needs: the UI's Config, the files the command line
// named, and how to tell the core the UI is ready.
type RunConfig struct {
	Config
	// Files are opened with the saved defaults once the window exists.
	Files []string
	// Attach lets main connect the core's hooks (hand-offs, relay and
	// sandbox changes, notifier health) to the UI before Ready.
	Attach func(u *App)
	// Ready is called once the UI can take files handed over by another
	// launch.
	Ready func()
}

// Metadata is what the Fyne app is created with: a plain `go build` embeds
// no FyneApp.toml, and without a name the tray would be titled with the bare
// ID.
func Metadata() fyne.AppMetadata {
	return fyne.AppMetadata{ID: AppID, Name: "Reducto Tray", Version: Version, Icon: AppIcon}
}

// Run shows the window and the tray of fa, a Fyne app created with
// Metadata (ui/desktopapp makes the real one), and runs until the user
// quits; it returns the process's exit code.
func Run(fa fyne.App, rc RunConfig) int {
	fa.SetIcon(AppIcon)
	w := fa.NewWindow("Reducto Tray")
	u := New(fa, w, rc.Config)
	if rc.Attach != nil {
		rc.Attach(u)
	}
	if rc.Ready != nil {
		rc.Ready()
	}
	u.SetupTray() // before Run: the tray starts with the app's loop
	w.SetOnDropped(u.Dropped)
	if len(rc.Files) > 0 {
		u.OpenFiles(rc.Files)
	}
	// Start-up (font parsing, the first pages, the window's first frames)
	// leaves some 15 MB of freed heap that the runtime keeps mapped, since
	// its goal is sized by the start-up's peak; an app idling in the tray
	// for hours should hand it back. Once is enough: idle, it allocates
	// nothing (docs/benchmarks.md, "Desktop start-up and idle").
	freeStartup := time.AfterFunc(5*time.Second, debug.FreeOSMemory)
	defer freeStartup.Stop()
	w.ShowAndRun()
	if u.tray.stopSys != nil {
		u.tray.stopSys()
	}
	u.Close()
	return 0
}
