package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pairRows is a list of rows of two entries side by side, each with a
// button that takes it out, and a button that adds one: a split's
// sections, a classify's categories.
type pairRows struct {
	rows        []*pairRow
	box         *fyne.Container
	obj         fyne.CanvasObject
	left, right string // the entries' placeholders
	changed     func()
}

type pairRow struct {
	left, right *widget.Entry
}

func newPairRows(left, right, addLabel string, changed func()) *pairRows {
	p := &pairRows{box: container.NewVBox(), left: left, right: right, changed: changed}
	p.obj = container.NewVBox(p.box,
		widget.NewButtonWithIcon(addLabel, theme.ContentAddIcon(), func() { p.add([2]string{}); changed() }))
	return p
}

// set shows values, one row each (one empty row when there are none).
func (p *pairRows) set(values [][2]string) {
	p.rows = nil
	p.box.RemoveAll()
	for _, v := range values {
		p.add(v)
	}
	if len(p.rows) == 0 {
		p.add([2]string{})
	}
}

func (p *pairRows) add(v [2]string) {
	onChange := func(string) { p.changed() }
	r := &pairRow{
		left:  &widget.Entry{Text: v[0], PlaceHolder: p.left, OnChanged: onChange},
		right: &widget.Entry{Text: v[1], PlaceHolder: p.right, OnChanged: onChange},
	}
	var row fyne.CanvasObject
	remove := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() {
		p.box.Remove(row)
		p.rows = slices.DeleteFunc(p.rows, func(x *pairRow) bool { return x == r })
		p.changed()
	})
	row = container.NewBorder(nil, nil, nil, remove, container.NewGridWithColumns(2, r.left, r.right))
	p.box.Add(row)
	p.rows = append(p.rows, r)
}

// values are the rows' texts as typed.
func (p *pairRows) values() [][2]string {
	out := make([][2]string, len(p.rows))
	for i, r := range p.rows {
		out[i] = [2]string{r.left.Text, r.right.Text}
	}
	return out
}
