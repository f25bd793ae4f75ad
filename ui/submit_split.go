package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerKindForm(jobs.KindSplit, func(changed func()) kindForm { return newSplitForm(changed) })
}

// splitForm is the submit form's part for a split: a row per section (a
// name and what it looks like) and the rules.
type splitForm struct {
	sections *pairRows
	Rules    *widget.Entry
	obj      fyne.CanvasObject
}

func newSplitForm(changed func()) *splitForm {
	s := &splitForm{sections: newPairRows("Name, e.g. Invoice", "What this section looks like", "Add section", changed)}
	s.Rules = &widget.Entry{OnChanged: func(string) { changed() }, PlaceHolder: "Optional rules, e.g. a page belongs to one section"}
	s.obj = widget.NewForm(
		widget.NewFormItem("Sections", s.sections.obj),
		widget.NewFormItem("Rules", s.Rules),
	)
	return s
}

func (s *splitForm) object() fyne.CanvasObject { return s.obj }

// fill shows o's sections and rules.
func (s *splitForm) fill(o jobs.Options) {
	s.Rules.SetText(o.Split.Rules)
	var rows [][2]string
	for _, d := range o.Split.Descriptions {
		rows = append(rows, [2]string{d.Name, d.Description})
	}
	s.sections.set(rows)
}

// read skips blank rows; a row with a description needs a name, and at
// least one section is needed.
func (s *splitForm) read(o *jobs.Options) error {
	for i, r := range s.sections.values() {
		d := jobs.SplitDescription{Name: strings.TrimSpace(r[0]), Description: strings.TrimSpace(r[1])}
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
