package ui

import (
	"context"
	"net/url"

	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/jobs/settings"
)

// viewHost is the app as the views in packages of their own see it.
type viewHost struct{ u *App }

func (h viewHost) Go(f func(ctx context.Context))   { h.u.goBg(f) }
func (h viewHost) Do(f func())                      { h.u.do(f) }
func (h viewHost) SetStatus(msg string)             { h.u.setStatus(msg) }
func (h viewHost) ShowError(what string, err error) { h.u.showError(what, err) }
func (h viewHost) ShowJob(id int64)                 { h.u.ShowJob(id) }
func (h viewHost) Window() fyne.Window              { return h.u.win }
func (h viewHost) Clipboard() fyne.Clipboard        { return h.u.app.Clipboard() }
func (h viewHost) OpenURL(u *url.URL) error         { return h.u.app.OpenURL(u) }
func (h viewHost) InForce() settings.Settings       { return h.u.settings }

func (h viewHost) ConfigureWebhook(ctx context.Context) (string, error) {
	return h.u.be.ConfigureWebhook(ctx)
}

// Saved takes s as in force: new submissions start from its defaults,
// and the Submit form shows them if it is built (built later, it fills
// itself with u.defaults).
func (h viewHost) Saved(s settings.Settings) {
	h.u.settings = s
	h.u.defaults = s.Defaults
	if h.u.submit != nil {
		h.u.submit.fill(s.Defaults)
	}
}
