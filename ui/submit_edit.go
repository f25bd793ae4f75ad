package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerKindForm(jobs.KindEdit, func(changed func()) kindForm { return newEditSection(changed) })
}

// editSection is the submit form's part for an edit: the instructions
// (what to fill in, and with what) and the edit_options worth a widget.
type editSection struct {
	Instructions *widget.Entry
	Color        *widget.Entry
	Flatten      *widget.Check
	obj          fyne.CanvasObject
}

func newEditSection(changed func()) *editSection {
	onChange := func(string) { changed() }
	s := &editSection{}
	s.Instructions = &widget.Entry{MultiLine: true, Wrapping: fyne.TextWrapWord, OnChanged: onChange,
		PlaceHolder: "What to fill in, one field a line, e.g.\nName: Ada Lovelace\nDate of birth: 10 December 1815"}
	s.Instructions.SetMinRowsVisible(5)
	s.Color = &widget.Entry{OnChanged: onChange, PlaceHolder: "#RRGGBB (default: Reducto's red)"}
	s.Flatten = widget.NewCheck("Flatten the form once filled (its fields become plain text)", func(bool) { changed() })
	s.obj = widget.NewForm(
		widget.NewFormItem("Instructions", s.Instructions),
		widget.NewFormItem("Text colour", s.Color),
		widget.NewFormItem("", s.Flatten),
	)
	return s
}

func (s *editSection) object() fyne.CanvasObject { return s.obj }

// fill shows o's edit options.
func (s *editSection) fill(o jobs.Options) {
	s.Instructions.SetText(o.Edit.Instructions)
	s.Color.SetText(o.Edit.Color)
	s.Flatten.SetChecked(o.Edit.Flatten)
}

// read needs instructions, from the section or the request fields, and
// checks the rest through Options.Validate.
func (s *editSection) read(o *jobs.Options) error {
	o.Edit = jobs.EditOptions{Instructions: strings.TrimSpace(s.Instructions.Text),
		Color: strings.TrimSpace(s.Color.Text), Flatten: s.Flatten.Checked}
	if o.Edit.Instructions == "" && jobs.RawLookup(o.Request, "edit_instructions") == nil {
		return errors.New("an edit needs instructions: what to fill in, and with what")
	}
	return o.Validate()
}
