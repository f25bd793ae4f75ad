package ui

import (
	"encoding/json"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
)

// TestCategoryRoutesSayWhereEachGoes: a classify's view lists every
// category of its options with the preset its route runs, or that it
// stops there, the document's own in bold.
func TestCategoryRoutesSayWhereEachGoes(t *testing.T) {
	job := jobs.Job{Kind: jobs.KindClassify, Status: jobs.StatusCompleted, Category: "invoice", Options: jobs.Options{
		Kind: jobs.KindClassify, Routes: map[string]string{"invoice": "invoices", "contract": "contracts"},
		Classify: jobs.ClassifyOptions{Categories: []jobs.ClassifyCategory{{Category: "invoice"}, {Category: "contract"}, {Category: "letter"}}}}}
	lines := categoryRoutes(job)
	want := []string{"invoice → preset “invoices”  (this document)", "contract → preset “contracts”", "letter → stops here"}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(lines), len(want))
	}
	for i, o := range lines {
		l := o.(*widget.Label)
		if l.Text != want[i] || l.TextStyle.Bold != (i == 0) {
			t.Errorf("line %d: %q bold %v, want %q", i, l.Text, l.TextStyle.Bold, want[i])
		}
	}
	if s := classifySummary(&result.Classify{Category: "invoice", Categories: 3}); s != "Classified among 3 categories" {
		t.Errorf("summary %q says the category the badge shows", s)
	}
}

// TestEditFieldsShowWholeValuesInANarrowPane: an edit's fields keep their
// whole values in a pane as narrow as the result side of the split: each
// value wraps under its name instead of being cut in a form's column.
func TestEditFieldsShowWholeValuesInANarrowPane(t *testing.T) {
	test.NewTempApp(t)
	schema, _ := json.Marshal([]editWidget{{Type: "text", Description: "Email", Value: "ada.lovelace@analytical-engine.example"}})
	obj := editFields(&resultModel{edit: &result.Edit{FormSchema: schema}})
	w := test.NewTempWindow(t, obj)
	w.Resize(fyne.NewSize(160, 400))
	var value *widget.Label
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			if x.Text == "ada.lovelace@analytical-engine.example" {
				value = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(obj)
	if value == nil {
		t.Fatal("the value is not shown")
	}
	if value.Truncation != fyne.TextTruncateOff || value.Wrapping == fyne.TextWrapOff {
		t.Errorf("the value is cut (truncation %v, wrapping %v)", value.Truncation, value.Wrapping)
	}
	if obj.MinSize().Width > 160 {
		t.Errorf("the fields need %v wide; the result side of the split is narrower", obj.MinSize().Width)
	}
}
