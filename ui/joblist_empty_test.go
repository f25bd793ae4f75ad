package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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

// TestEmptyListPointsToTheExamples: with the sandbox's examples folder,
// the empty list says how to try them and opens the folder; a filter that
// matches nothing, or a listed job, hides the hint.
func TestEmptyListPointsToTheExamples(t *testing.T) {
	opened := &openedURLs{}
	dir := t.TempDir()
	r := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) {
		cfg.Examples, cfg.OpenURL = dir, opened.open
	})
	l := r.u.list
	r.eventually("the examples' hint", func() bool { return l.examples != nil && l.examples.Visible() && l.empty.Visible() })
	r.onMain(func() {
		open := l.examples.(*fyne.Container).Objects[1].(*fyne.Container).Objects[0].(*widget.Button)
		test.Tap(open)
	})
	if got := opened.list(); len(got) != 1 || got[0] != "file://"+filepath.ToSlash(dir) {
		t.Errorf("opened %q, want the examples folder %s", got, dir)
	}
	r.onMain(func() { test.Type(l.Search, "nothing-like-this") })
	r.eventually("no examples' hint under a search", func() bool { return l.empty.Text == emptyMatchesText && !l.examples.Visible() })
	r.onMain(func() { l.Search.SetText("") })
	r.eventually("the hint back", func() bool { return l.examples.Visible() })
	r.onMain(func() { r.u.Dropped(fyne.NewPos(10, 10), uris(r.files("a.pdf"))) })
	r.eventually("the hint to go once a job is listed", func() bool { return l.List.Length() == 1 && !l.examples.Visible() })
}
