// Package desktopapp starts Reducto Tray's window on Fyne's real desktop
// driver (GLFW and OpenGL) and hands it to package ui.
//
// It is the one package that imports fyne.io/fyne/v2/app. Kept apart, the
// driver's C (go-gl and GLFW, minutes of gcc on a cold build) stays out of
// ui's tests, which run on Fyne's test driver: the race tests never compile
// it, and the only Linux build of it is the app's own, shared by the
// packages and the end-to-end test (docs/benchmarks.md, "CI").
package desktopapp

import (
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/reductotray/reducto-tray/ui"
	"github.com/reductotray/reducto-tray/ui/internal/langfont"
)

// Run creates the desktop app and runs the UI until the user quits; it
// returns the process's exit code.
func Run(rc ui.RunConfig) int {
	langfont.Load() // before any text is measured
	md := ui.Metadata()
	fyneapp.SetMetadata(md)
	return ui.Run(fyneapp.NewWithID(md.ID), rc)
}
