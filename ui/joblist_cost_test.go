package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestRowCostYieldsToTheName(t *testing.T) {
	test.NewTempApp(t)
	name := &widget.Label{Text: "quarterly report.pdf", Truncation: fyne.TextTruncateEllipsis}
	cost := &widget.Label{Text: "12 p · 4.5 cr"}
	l := nameFirst{}
	objs := []fyne.CanvasObject{name, cost}

	l.Layout(objs, fyne.NewSize(600, 30))
	if cost.Size().Width == 0 || cost.Position().X < name.Size().Width {
		t.Fatalf("wide row: cost at %v size %v, name %v; want the cost after the whole name", cost.Position(), cost.Size(), name.Size())
	}
	l.Layout(objs, fyne.NewSize(150, 30))
	if cost.Size().Width != 0 || name.Size().Width != 150 {
		t.Fatalf("narrow row: name %v, cost %v; want the name to take the row and the cost hidden", name.Size(), cost.Size())
	}
}

func TestNarrowRowKeepsRoomForTheName(t *testing.T) {
	test.NewTempApp(t)
	r := newJobRow()
	objs := r.CreateRenderer().Objects()[0].(*fyne.Container).Objects
	name, kind, status, age, duration := objs[1], objs[2], objs[3], objs[4], objs[5]
	l := jobColumns{}
	l.Layout(objs, fyne.NewSize(700, 36))
	if !kind.Visible() || !age.Visible() || !duration.Visible() {
		t.Fatalf("wide row hides columns: kind %v age %v duration %v", kind.Size(), age.Size(), duration.Size())
	}
	l.Layout(objs, fyne.NewSize(340, 36))
	if name.Size().Width < nameRoom || !status.Visible() {
		t.Fatalf("narrow row: name %v status %v; want the name readable and the status kept", name.Size(), status.Size())
	}
	if duration.Visible() || age.Visible() {
		t.Fatalf("narrow row keeps duration %v and age %v before the name", duration.Size(), age.Size())
	}
}
