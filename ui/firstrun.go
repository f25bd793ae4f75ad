package ui

import (
	"context"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/settings"
)

// sandboxBanner says, on every screen, that results are simulated.
func sandboxBanner() fyne.CanvasObject {
	bg := canvas.NewRectangle(color.NRGBA{R: 0xf5, G: 0x9e, B: 0x0b, A: 0xff})
	text := canvas.NewText("SANDBOX — results are simulated; no document leaves this computer", color.Black)
	text.TextStyle = fyne.TextStyle{Bold: true}
	text.Alignment = fyne.TextAlignCenter
	return container.NewStack(bg, container.NewPadded(text))
}

// checkFirstRun offers the first-run choice when there is no API key.
func (u *App) checkFirstRun(context.Context) {
	if u.cfg.Settings.Effective().APIKey != "" {
		return
	}
	u.do(u.showFirstRun)
}

// showFirstRun asks for an API key or offers the sandbox; the choice is
// saved through the settings service (the key as a secret, the sandbox in
// settings.Sandbox), which puts it into effect.
func (u *App) showFirstRun() {
	key := widget.NewPasswordEntry()
	key.PlaceHolder = "Reducto API key"
	msg := widget.NewLabel("Reducto Tray needs an API key (Reducto Studio → API keys). " +
		"You can also try it with the built-in sandbox, which simulates Reducto on this computer.")
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	u.firstRun = &firstRunPrompt{key: key}
	useKey := widget.NewButton("Save key", func() {
		k := strings.TrimSpace(key.Text)
		if k == "" {
			return
		}
		d.Hide()
		u.goBg(func(context.Context) {
			err := u.cfg.Settings.SetSecret(settings.SecretAPIKey, k)
			u.do(func() {
				if err != nil {
					u.showError("Store the API key", err)
					return
				}
				u.setStatus("API key saved")
				if u.prefs != nil { // built later, it reads them itself
					u.prefs.ReloadSecrets()
				}
			})
		})
	})
	useKey.Importance = widget.HighImportance
	u.firstRun.useKey = useKey
	sandbox := widget.NewButton("Try the sandbox", func() {
		d.Hide()
		s := u.settings
		s.Sandbox = true
		if err := u.cfg.Settings.Save(s); err != nil {
			u.showError("Save settings", err)
			return
		}
		u.settings = s
		u.banner.Show()
	})
	u.firstRun.sandbox = sandbox
	content := container.NewVBox(msg, key, container.NewGridWithColumns(2, sandbox, useKey))
	d = dialog.NewCustomWithoutButtons("Welcome to Reducto Tray", content, u.win)
	d.Resize(fyne.NewSize(480, 220))
	d.Show()
}

// firstRunPrompt holds the first-run dialog's widgets, for tests.
type firstRunPrompt struct {
	key             *widget.Entry
	useKey, sandbox *widget.Button
}
