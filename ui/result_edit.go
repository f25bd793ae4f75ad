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
	"github.com/reductotray/reducto-tray/ui/widgets"
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
	which.Disable() // one above the other: the result side stays narrow

	open := widget.NewButtonWithIcon("Open", theme.FileIcon(), func() { d.u.openPath("Open the filled document", path) })
	docs, ok := d.u.be.(FilledDocuments)
	save := widget.NewButtonWithIcon("Save as…", theme.DocumentSaveIcon(), d.saveFilled)
	open.Disable()
	save.Disable()
	fields := editFields(m)
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
	// Narrow controls (the choice one above the other, the buttons on one
	// line or two as the width allows), so the result side of the split
	// can stay narrow and the page view, what an edit is about, gets the
	// room even in a small window.
	flow := widgets.NewFlow()
	buttons := container.New(flow, open, save)
	head := container.NewVBox(which, buttons)
	return widgets.NewBarOver(head, buttons, flow, container.NewVScroll(container.NewVBox(status, widget.NewSeparator(), fields)))
}

// editFields lists the form's fields as Reducto read them, each name
// above its value, wrapped: the result side of the split is narrow (the
// page view has the room), where a form's two columns cut every value.
func editFields(m *resultModel) fyne.CanvasObject {
	var ws []editWidget
	_ = json.Unmarshal(m.edit.FormSchema, &ws) // a schema of another shape lists nothing
	if len(ws) == 0 {
		return &widget.Label{Text: "Reducto listed no form fields.", Wrapping: fyne.TextWrapWord}
	}
	box := container.NewVBox(&widget.Label{Text: fmt.Sprintf("Form fields (%d)", len(ws)), TextStyle: fyne.TextStyle{Bold: true}})
	for _, w := range ws {
		value := w.Value
		if value == "" {
			value = "—"
		}
		name := &widget.Label{Text: w.Description, Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
		box.Add(container.New(tightVBox{}, name, &widget.Label{Text: value, Wrapping: fyne.TextWrapWord, Selectable: true}))
	}
	return box
}

// tightVBox stacks its objects with no space between them, so a field's
// name and value read as one item.
type tightVBox struct{}

func (tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if s.Height > 0 {
			s.Height -= theme.InnerPadding() // the overlap Layout gives
		}
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
	}
	return s
}

func (tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - theme.InnerPadding()
	}
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
