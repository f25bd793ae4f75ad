package ui

import (
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/widgets"
)

// outputFailurePrefix starts the timeline line the engine adds when a
// job's results could not be written beside its document.
const outputFailurePrefix = "results not written"

// OutputsView lists the result files written beside a job's document, each
// with Open and Show in folder, and says why they are missing when writing
// failed.
type OutputsView struct {
	u *App

	Heading *widget.Label
	Note    *widget.Label // why the results are not beside the document
	Rows    []*OutputRow

	box *fyne.Container
	obj fyne.CanvasObject
}

// OutputRow is one written file.
type OutputRow struct {
	Path         string
	Name         *widget.Label
	Open, Reveal *widget.Button
}

func newOutputsView(u *App) *OutputsView {
	v := &OutputsView{u: u}
	v.Heading = &widget.Label{Text: "Written beside the document", TextStyle: fyne.TextStyle{Bold: true}}
	v.Note = &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord, Selectable: true}
	v.box = container.NewVBox()
	v.obj = container.NewVBox(v.Heading, v.box, v.Note)
	v.obj.Hide()
	return v
}

// Object is the view's canvas object.
func (v *OutputsView) Object() fyne.CanvasObject { return v.obj }

// show lists j's outputs, or the reason they are missing (from the
// timeline, or note: a passing event note). Main goroutine.
func (v *OutputsView) show(j jobs.Job, tl []jobs.Transition, note string) {
	v.Rows = nil
	v.box.RemoveAll()
	for _, p := range j.Outputs {
		r := v.newRow(p)
		v.Rows = append(v.Rows, r)
		v.box.Add(widgets.NewLineOrTwo(r.Name, container.NewHBox(r.Open, r.Reveal)))
	}
	if note == "" && len(j.Outputs) == 0 && j.Options.Outputs == jobs.OutputsBeside {
		note = outputFailure(tl)
	}
	v.Note.SetText(note)
	show(v.Note, note != "")
	// One file is said on its own line, without the heading above it: a
	// small window keeps a line more for the result.
	if len(v.Rows) == 1 {
		v.Rows[0].Name.SetText("Written beside it: " + v.Rows[0].Name.Text)
	}
	show(v.Heading, len(j.Outputs) > 1)
	show(v.obj, len(j.Outputs) > 0 || note != "")
}

func (v *OutputsView) newRow(path string) *OutputRow {
	r := &OutputRow{Path: path}
	r.Name = &widget.Label{Text: filepath.Base(path), Truncation: fyne.TextTruncateEllipsis}
	r.Open = widget.NewButtonWithIcon("Open", theme.FileIcon(), func() { v.u.openPath("Open", path) })
	r.Reveal = widget.NewButtonWithIcon("Show in folder", theme.FolderOpenIcon(), func() { v.u.openPath("Show in folder", filepath.Dir(path)) })
	return r
}

// outputFailure is the newest "results not written" line of a timeline,
// or "" when there is none.
func outputFailure(tl []jobs.Transition) string {
	for i := len(tl) - 1; i >= 0; i-- {
		if t := tl[i]; t.From == t.To && strings.HasPrefix(t.Detail, outputFailurePrefix) {
			return t.Detail
		}
	}
	return ""
}

// openPath opens a file or folder with the desktop's default application;
// what names the action in an error.
func (u *App) openPath(what, path string) {
	if err := u.cfg.OpenURL(&url.URL{Scheme: "file", Path: path}); err != nil {
		u.showError(what, err)
	}
}
