package widgets

import "fyne.io/fyne/v2"

// Enable enables b (a button, an entry, a radio group...) when on,
// disables it otherwise.
func Enable(b fyne.Disableable, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// Show shows o when visible, hides it otherwise.
func Show(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}
