package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// TestActionsLeaveTheResultItsSpace: however many lines the action bar
// needs at a width, what is below it starts under it, and the result list
// keeps a real height, at the usual and the small window size.
func TestActionsLeaveTheResultItsSpace(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	d := showResult(t, r, jobs.KindParse, "result-parse.json")
	for _, size := range []fyne.Size{{Width: 1000, Height: 680}, {Width: 640, Height: 480}} {
		r.onMain(func() {
			r.u.win.Resize(size)
			if !d.ExtractWith.Visible() || d.Cancel.Visible() || d.Retry.Visible() {
				t.Fatalf("%v: actions shown: extract %v cancel %v retry %v", size, d.ExtractWith.Visible(), d.Cancel.Visible(), d.Retry.Visible())
			}
			bar := d.actions
			barEnd := fyne.CurrentApp().Driver().AbsolutePositionForObject(bar).Y + bar.Size().Height
			for _, b := range bar.Objects {
				if b.Visible() && fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Y+b.Size().Height > barEnd+0.5 {
					t.Errorf("%v: a button ends below the bar (%v)", size, b.Size())
				}
			}
			tabs := d.body.Objects[1] // under the header: the tabs
			if y := fyne.CurrentApp().Driver().AbsolutePositionForObject(tabs).Y; y < barEnd {
				t.Errorf("%v: the tabs start at %v, inside the action bar ending at %v", size, y, barEnd)
			}
			if h := d.View.Parse.List.Size().Height; h < 60 { // ~75 at 640x480 under the page view's row
				t.Errorf("%v: the result list is %v high", size, h)
			}
		})
	}
}

// Save dialogs start in the document's folder (they opened in the home
// folder); a chained job's jobid:// input has none.
func TestSaveDialogsStartInTheDocumentsFolder(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	d := r.u.detail
	doc := r.files("report.pdf")[0]
	r.onMain(func() {
		d.job = jobs.Job{File: doc}
		if dir := d.docFolder(); dir == nil || dir.Path() != filepath.Dir(doc) {
			t.Errorf("save dialogs start in %v, want %s", dir, filepath.Dir(doc))
		}
		d.job = jobs.Job{File: "jobid://abc"}
		if dir := d.docFolder(); dir != nil {
			t.Errorf("a jobid:// input starts in %v", dir)
		}
	})
}
