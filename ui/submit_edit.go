package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// editSection is the submit form's part for an edit: the instructions
// (what to fill in, and with what) and the edit_options worth a widget.
type editSection struct {
	Instructions *widget.Entry
	Color        *widget.Entry
	Flatten      *widget.Check
	obj          fyne.CanvasObject
}

func newEditSection(onChange func(string)) *editSection {
	s := &editSection{}
	s.Instructions = &widget.Entry{MultiLine: true, Wrapping: fyne.TextWrapWord, OnChanged: onChange,
		PlaceHolder: "What to fill in, one field a line, e.g.\nName: Ada Lovelace\nDate of birth: 10 December 1815"}
	s.Instructions.SetMinRowsVisible(5)
	s.Color = &widget.Entry{OnChanged: onChange, PlaceHolder: "#RRGGBB (default: Reducto's red)"}
	s.Flatten = widget.NewCheck("Flatten the form once filled (its fields become plain text)", func(bool) { onChange("") })
	s.obj = widget.NewForm(
		widget.NewFormItem("Instructions", s.Instructions),
		widget.NewFormItem("Text colour", s.Color),
		widget.NewFormItem("", s.Flatten),
	)
	return s
}

// fill shows in's edit fields.
func (s *editSection) fill(in formInput) {
	s.Instructions.SetText(in.EditInstructions)
	s.Color.SetText(in.EditColor)
	s.Flatten.SetChecked(in.EditFlatten)
}

// read puts the widgets' edit fields into in.
func (s *editSection) read(in *formInput) {
	in.EditInstructions, in.EditColor, in.EditFlatten = s.Instructions.Text, s.Color.Text, s.Flatten.Checked
}
