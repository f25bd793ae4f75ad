package ui

import (
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
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

// Run shows the window and the tray and runs until the user quits; it
// returns the process's exit code.
func Run(rc RunConfig) int {
	// A plain `go build` embeds no FyneApp.toml; without a name the tray
	// would be titled with the bare ID.
	fyneapp.SetMetadata(fyne.AppMetadata{ID: AppID, Name: "Reducto Tray", Version: Version, Icon: AppIcon})
	fa := fyneapp.NewWithID(AppID)
	fa.SetIcon(AppIcon)
	w := fa.NewWindow("Reducto Tray")
	u := New(fa, w, rc.Config)
	if rc.Attach != nil {
		rc.Attach(u)
	}
	if rc.Ready != nil {
		rc.Ready()
	}
	u.SetupTray() // before Run: the tray only starts inside it
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
	u.Close()
	return 0
}
