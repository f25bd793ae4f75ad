package ui

import (
	"context"

	"fyne.io/fyne/v2"
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
