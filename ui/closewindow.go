package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// CloseWindow is what closing the window does (SetupTray makes it the
// close intercept). With "Closing the window quits" set it quits. Otherwise
// it hides the window to the tray; but on a desktop with no tray host there
// is no icon to bring it back, so the first close of the run explains,
// in the window, where the app goes and how to get it back, and hides it
// only once the user chose to keep it running. A close in the moment
// before the app knows whether a tray host exists waits for that answer.
// Main goroutine.
func (u *App) CloseWindow() {
	t := u.tray
	switch {
	case u.settings.CloseQuits:
		u.app.Quit()
	case t.sys != nil && !t.hostKnown:
		// Closed before the tray host watch answered (it takes a D-Bus
		// round trip at start): hiding now could leave nothing on screen
		// on a desktop without tray icons. setHost closes it then.
		t.closePending = true
	case !t.host && t.noHost == nil:
		t.noHost = newNoHostNotice(u)
		t.noHost.dialog.Show()
	default:
		t.hide()
	}
}

// noHostNotice is the explanation CloseWindow shows once when no tray
// host can show the icon.
type noHostNotice struct {
	dialog *dialog.CustomDialog
	Keep   *widget.Button // hide the window, keep running
	Quit   *widget.Button
}

// noHostText says where the window goes and how to get it back, in the
// user's terms: the applications menu, not "StatusNotifierWatcher".
const noHostText = "This desktop shows no tray icons, so Reducto Tray will not " +
	"appear in the top bar or the system tray after you close this window.\n\n" +
	"If you keep it running, it carries on in the background: uploads continue " +
	"and you are notified when jobs finish.\n\n" +
	"To bring the window back, open Reducto Tray again from your applications " +
	"menu (or run reducto-tray).\n\n" +
	"To have closing the window quit instead, turn on “Closing the window quits” in Settings."

func newNoHostNotice(u *App) *noHostNotice {
	n := &noHostNotice{}
	text := &widget.Label{Text: noHostText, Wrapping: fyne.TextWrapWord}
	n.dialog = dialog.NewCustomWithoutButtons("Reducto Tray keeps running in the background", text, u.win)
	n.Keep = &widget.Button{Text: "Keep running", Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: func() {
		n.dialog.Hide()
		u.tray.hide()
	}}
	n.Quit = &widget.Button{Text: "Quit", Icon: theme.LogoutIcon(), OnTapped: func() {
		n.dialog.Hide()
		u.app.Quit()
	}}
	n.dialog.SetButtons([]fyne.CanvasObject{n.Quit, n.Keep})
	// Wide enough that the paragraphs wrap into a few readable lines.
	n.dialog.Resize(fyne.NewSize(560, 0))
	return n
}
