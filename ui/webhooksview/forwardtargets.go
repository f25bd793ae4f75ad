package webhooksview

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/settings"
)

// ForwardTargetsEditor edits Settings.ForwardTargets: one row per URL with
// a remove button, and an entry to add one. URLs are checked as --forward
// checks them (settings.CheckForwardURL) before they join the list; the
// list is saved with the rest of the settings form.
type ForwardTargetsEditor struct {
	URL     *widget.Entry
	Add     *widget.Button
	Problem *widget.Label

	targets []string // main goroutine
	rows    *fyne.Container
	obj     fyne.CanvasObject
}

// NewForwardTargetsEditor returns an editor with no targets listed.
func NewForwardTargetsEditor() *ForwardTargetsEditor {
	e := &ForwardTargetsEditor{rows: container.NewVBox()}
	e.URL = &widget.Entry{PlaceHolder: "http://localhost:3000/webhooks"}
	e.URL.OnSubmitted = func(string) { e.AddTyped() }
	e.Add = widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), e.AddTyped)
	e.Problem = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	e.Problem.Hide()
	e.obj = container.NewVBox(e.rows, container.NewBorder(nil, nil, nil, e.Add, e.URL), e.Problem)
	e.showRows()
	return e
}

// Object is the editor's canvas object.
func (e *ForwardTargetsEditor) Object() fyne.CanvasObject { return e.obj }

// Targets returns the listed URLs. Main goroutine.
func (e *ForwardTargetsEditor) Targets() []string { return slices.Clone(e.targets) }

// Set shows targets. Main goroutine.
func (e *ForwardTargetsEditor) Set(targets []string) {
	e.targets = slices.Clone(targets)
	e.URL.SetText("")
	e.Problem.Hide()
	e.showRows()
}

// AddTyped checks the typed URL and lists it; a refused one stays in the entry
// with the reason under it. Main goroutine.
func (e *ForwardTargetsEditor) AddTyped() {
	raw := strings.TrimSpace(e.URL.Text)
	if raw == "" {
		return
	}
	if err := settings.CheckForwardURL(raw); err != nil {
		e.Problem.SetText(err.Error())
		e.Problem.Show()
		return
	}
	e.Problem.Hide()
	e.URL.SetText("")
	if slices.Contains(e.targets, raw) {
		return // listed once: each target gets each delivery once
	}
	e.targets = append(e.targets, raw)
	e.showRows()
}

// remove drops target i. Main goroutine.
func (e *ForwardTargetsEditor) remove(url string) {
	if i := slices.Index(e.targets, url); i >= 0 {
		e.targets = slices.Delete(e.targets, i, i+1)
		e.showRows()
	}
}

// RemoveButton returns the remove button of url's row (nil if not
// listed), for tests. Main goroutine.
func (e *ForwardTargetsEditor) RemoveButton(url string) *widget.Button {
	for i, t := range e.targets {
		if t == url && i < len(e.rows.Objects) {
			if c, ok := e.rows.Objects[i].(*fyne.Container); ok {
				return c.Objects[1].(*widget.Button)
			}
		}
	}
	return nil
}

func (e *ForwardTargetsEditor) showRows() {
	e.rows.RemoveAll()
	if len(e.targets) == 0 {
		e.rows.Add(&widget.Label{Text: "None: deliveries are not forwarded (--forward URL adds one for a run)",
			Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance})
		return
	}
	for _, t := range e.targets {
		url := t
		rm := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { e.remove(url) })
		rm.Importance = widget.LowImportance
		e.rows.Add(container.NewBorder(nil, nil, nil, rm, &widget.Label{Text: url, Truncation: fyne.TextTruncateEllipsis, Selectable: true}))
	}
}
