package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerKindForm(jobs.KindSplit, func(changed func()) kindForm { return newSplitForm(changed) })
}

// splitForm is the submit form's part for a split: a row per section (a
// name and what it looks like) and the rules.
type splitForm struct {
	rows    []*splitRow
	box     *fyne.Container
	Rules   *widget.Entry
	obj     fyne.CanvasObject
	changed func()
}

type splitRow struct {
	name, desc *widget.Entry
	obj        fyne.CanvasObject
}

func newSplitForm(changed func()) *splitForm {
	s := &splitForm{box: container.NewVBox(), changed: changed}
	s.Rules = &widget.Entry{OnChanged: func(string) { changed() }, PlaceHolder: "Optional rules, e.g. a page belongs to one section"}
	s.obj = widget.NewForm(
		widget.NewFormItem("Sections", container.NewVBox(s.box,
			widget.NewButtonWithIcon("Add section", theme.ContentAddIcon(), func() { s.add(jobs.SplitDescription{}); changed() }))),
		widget.NewFormItem("Rules", s.Rules),
	)
	return s
}

func (s *splitForm) object() fyne.CanvasObject { return s.obj }

// fill shows o's sections (one empty row when there are none).
func (s *splitForm) fill(o jobs.Options) {
	s.Rules.SetText(o.Split.Rules)
	s.rows = nil
	s.box.RemoveAll()
	for _, d := range o.Split.Descriptions {
		s.add(d)
	}
	if len(s.rows) == 0 {
		s.add(jobs.SplitDescription{})
	}
}

func (s *splitForm) add(d jobs.SplitDescription) {
	r := &splitRow{}
	onChange := func(string) { s.changed() }
	r.name = &widget.Entry{Text: d.Name, PlaceHolder: "Name, e.g. Invoice", OnChanged: onChange}
	r.desc = &widget.Entry{Text: d.Description, PlaceHolder: "What this section looks like", OnChanged: onChange}
	r.obj = entryRow(s.box, r.name, r.desc, func() {
		s.rows = slices.DeleteFunc(s.rows, func(x *splitRow) bool { return x == r })
		s.changed()
	})
	s.rows = append(s.rows, r)
}

// read skips blank rows; a row with a description needs a name, and at
// least one section is needed.
func (s *splitForm) read(o *jobs.Options) error {
	for i, r := range s.rows {
		d := jobs.SplitDescription{Name: strings.TrimSpace(r.name.Text), Description: strings.TrimSpace(r.desc.Text)}
		if d.Name == "" && d.Description == "" {
			continue
		}
		if d.Name == "" {
			return fmt.Errorf("split %d has a description but no name", i+1)
		}
		o.Split.Descriptions = append(o.Split.Descriptions, d)
	}
	if len(o.Split.Descriptions) == 0 {
		return errors.New("a split needs at least one named section")
	}
	o.Split.Rules = strings.TrimSpace(s.Rules.Text)
	return nil
}
