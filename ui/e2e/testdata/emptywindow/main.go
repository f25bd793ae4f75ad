// Command emptywindow opens one empty Fyne window of Reducto Tray's size and
// runs until killed. It is the baseline of the idle memory and CPU target
// ("idle RSS within 1.3x of an empty Fyne window"), built by the e2e
// benchmarks with `go build ./ui/e2e/testdata/emptywindow` (testdata
// directories are outside ./... patterns).
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
)

func main() {
	// An ID keeps Fyne from warning about preferences; the app proper uses one too.
	a := app.NewWithID("ai.reducto.tray.emptywindow")
	w := a.NewWindow("Empty")
	w.Resize(fyne.NewSize(960, 640)) // the size main.go gives Reducto Tray's window
	w.ShowAndRun()
}
