package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

func TestEmptyListSaysWhatToDo(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	l := r.u.list
	r.eventually("the first-run hint", func() bool { return l.empty.Visible() && l.empty.Text == emptyText })
	r.onMain(func() { r.u.Dropped(fyne.NewPos(10, 10), uris(r.files("a.pdf"))) })
	r.eventually("the hint to go once a job is listed", func() bool { return l.List.Length() == 1 && !l.empty.Visible() })
	r.onMain(func() { test.Type(l.Search, "nothing-like-this") })
	r.eventually("the no-match hint", func() bool { return l.empty.Visible() && l.empty.Text == emptyMatchesText })
}
