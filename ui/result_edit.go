package ui

import (
	"context"
	"encoding/json"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/pageview"
)

func init() {
	registerKindView(jobs.KindEdit, kindView{
		summary: func(m *resultModel) string {
			if m.edit == nil {
				return ""
			}
			return editSummary(m)
		},
		object: func(v *ResultView, m *resultModel) fyne.CanvasObject {
			if m.edit == nil {
				return nil
			}
			return v.editObject(m)
		},
		exports: func(d *DetailView, add func(string, func())) { add("Filled document (PDF)…", d.saveFilled) },
	})
}

// FilledDocuments is what the detail of an edit needs of the backend (the
// engine has it; a backend without it shows the result without the filled
// document): the bytes kept in the history, and a file of them to view
// and open.
type FilledDocuments interface {
	Document(ctx context.Context, id int64) ([]byte, error)
	FilledDocumentPath(ctx context.Context, id int64) (string, error)
}

// Which document of an edit the page view shows.
const (
	showFilled   = "Filled"
	showOriginal = "Original"
)

// editWidget is one form field as the edit result's form_schema lists it.
type editWidget struct {
	Type        string `json:"type"`
	Description string `json:"description"`
	Value       string `json:"value"`
}

// editObject shows an edit's result: which document the page view shows
// (the filled one, ticked on as soon as it is ready, or the original),
// Open and Save as… for the filled document, and the form's fields as
// Reducto read them.
func (v *ResultView) editObject(m *resultModel) fyne.CanvasObject {
	d := v.d
	job := d.job
	status := &widget.Label{Text: "Getting the filled document from the history…", Wrapping: fyne.TextWrapWord}
	var path string
	which := widget.NewRadioGroup([]string{showFilled, showOriginal}, func(s string) {
		if path == "" {
			return
		}
		if s == showOriginal {
			d.showDocument(job.File)
		} else {
			d.showDocument(path)
		}
	})
	which.Horizontal = true
	which.Disable()
	open := widget.NewButtonWithIcon("Open", theme.FileIcon(), func() { d.u.openPath("Open the filled document", path) })
	docs, ok := d.u.be.(FilledDocuments)
	save := widget.NewButtonWithIcon("Save as…", theme.DocumentSaveIcon(), d.saveFilled)
	open.Disable()
	save.Disable()
	fields := widget.NewForm()
	var ws []editWidget
	_ = json.Unmarshal(m.edit.FormSchema, &ws) // a schema of another shape lists nothing
	for _, w := range ws {
		value := w.Value
		if value == "" {
			value = "—"
		}
		fields.Append(w.Description, &widget.Label{Text: value, Truncation: fyne.TextTruncateEllipsis, Selectable: true})
	}
	if len(ws) == 0 {
		fields.Append("Fields", widget.NewLabel("Reducto listed no form fields."))
	}
	if !ok {
		status.SetText("This view cannot read the filled document.")
	} else {
		d.u.goBg(func(ctx context.Context) {
			p, err := docs.FilledDocumentPath(ctx, job.ID)
			d.u.do(func() {
				if d.job.ID != job.ID {
					return // another job is shown now
				}
				if err != nil {
					status.SetText(fmt.Sprintf("The filled document is not in the history (%v); retry the job to fill the form again.", err))
					return
				}
				path = p
				status.SetText("The filled document is kept in the history; the page view shows it.")
				which.Enable()
				open.Enable()
				save.Enable()
				which.SetSelected(showFilled) // shows it
			})
		})
	}
	// Two short rows rather than one long one: the result side of the
	// split stays narrow and the page view gets the room.
	bar := container.NewVBox(which, container.NewHBox(open, save))
	return container.NewVScroll(container.NewVBox(bar, status, widget.NewSeparator(), fields))
}

// saveFilled asks where to save the shown edit's filled document
// ("form.edit.pdf" beside the form, to start with) and writes it there.
func (d *DetailView) saveFilled() {
	docs, ok := d.u.be.(FilledDocuments)
	if !ok {
		return
	}
	id := d.job.ID
	d.saveAs("pdf", func() ([]byte, error) { return docs.Document(context.Background(), id) })
}

// showDocument shows path in the detail's page view, ticking it on.
func (d *DetailView) showDocument(path string) {
	dp := d.pages
	if dp == nil {
		return
	}
	dp.src, dp.blocks, dp.loaded = pageview.Source{Path: path}, nil, false
	if !dp.Toggle.Checked {
		dp.Toggle.SetChecked(true) // shows the view and loads it
		if dp.split != nil {
			dp.split.SetOffset(0.4) // the document is what an edit is about
		}
		return
	}
	d.loadPages()
}

// editSummary is the line above an edit's view.
func editSummary(m *resultModel) string {
	return plural(m.edit.Usage.Pages, "page") + " filled · " + string(jobs.KindEdit) + " result"
}
