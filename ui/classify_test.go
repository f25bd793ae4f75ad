package ui

import (
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

// TestClassifyFormRows: the classify section's rows (a name, criteria
// comma separated) become the options' categories and back; blank rows
// are skipped, criteria without a name and no category at all are
// refused in words.
func TestClassifyFormRows(t *testing.T) {
	test.NewTempApp(t)
	in := formInput{Kind: jobs.KindClassify, Webhook: jobs.WebhookNone}
	rows := func(rs ...categoryInput) func(*classifyArea) {
		return func(a *classifyArea) {
			a.fill(jobs.Options{Routes: map[string]string{"invoice": "invoices"}})
			a.setRows(rs)
		}
	}
	o, err := sectionOptions(in, rows(categoryInput{Name: " invoice ", Criteria: "invoice, amount due,"}, categoryInput{}, categoryInput{Name: "letter"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []jobs.ClassifyCategory{{Category: "invoice", Criteria: []string{"invoice", "amount due"}}, {Category: "letter", Criteria: []string{}}}
	if !reflect.DeepEqual(o.Classify.Categories, want) || o.Routes["invoice"] != "invoices" {
		t.Fatalf("options %+v", o)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("the form's options are not valid: %v", err)
	}
	back := newClassifyArea(func() {})
	back.fill(o)
	if !reflect.DeepEqual(back.input(), []categoryInput{{Name: "invoice", Criteria: "invoice, amount due"}, {Name: "letter"}}) || back.routes["invoice"] != "invoices" {
		t.Fatalf("form from the options %+v, routes %v", back.input(), back.routes)
	}
	if _, err := sectionOptions(in, rows(categoryInput{Criteria: "total"})); err == nil || !strings.Contains(err.Error(), "category 1 has criteria but no name") {
		t.Errorf("criteria without a name: %v", err)
	}
	if _, err := sectionOptions(in, rows()); err == nil || !strings.Contains(err.Error(), "at least one category") {
		t.Errorf("no category: %v", err)
	}
	// Routes belong to a classify: another kind drops them.
	in.Kind = jobs.KindParse
	if o, err := sectionOptions(in, func(*parseForm) {}); err != nil || o.Routes != nil {
		t.Errorf("a parse from a form that showed routes: %+v, %v", o, err)
	}
}

// sortPreset classifies mail and routes invoices to the invoices preset.
func sortPreset() jobs.Options {
	return jobs.Options{Kind: jobs.KindClassify, Outputs: jobs.OutputsBeside, Routes: map[string]string{"invoice": "invoices"},
		Classify: jobs.ClassifyOptions{Categories: []jobs.ClassifyCategory{{Category: "invoice", Criteria: []string{"invoice"}}, {Category: "letter", Criteria: []string{}}}}}
}

// TestClassifyInTheWindow: a classify preset fills the form's category
// rows and shows its routes; a dropped document is classified, its
// category shows in the list and the detail, and the routed extract is
// linked from the classify (and back) like a chained job.
func TestClassifyInTheWindow(t *testing.T) {
	p := newFakePresets(map[string]jobs.Options{"sort": sortPreset(), "invoices": invoicesPreset()})
	r := presetRig(t, p)
	r.engine.SetThenResolver(func(name string, parent jobs.Job) (jobs.Options, error) {
		return p.Get(name, jobs.Options{Webhook: jobs.WebhookNone})
	})
	f := r.u.submit
	r.onMain(func() { f.Preset.SetSelected("sort") })
	r.eventually("the classify preset in the form", func() bool { return f.Kind.Selected == string(jobs.KindClassify) })
	r.onMain(func() {
		rows := classifyOf(f).input()
		if len(rows) != 2 || rows[0] != (categoryInput{Name: "invoice", Criteria: "invoice"}) || rows[1].Name != "letter" {
			t.Errorf("category rows %+v", rows)
		}
		if !classifyOf(f).obj.Visible() || f.kinds[jobs.KindSplit].object().Visible() || f.kinds[jobs.KindExtract].object().Visible() {
			t.Error("the classify section is not the one shown")
		}
		if classifyOf(f).Routes.Text != "invoice → invoices" {
			t.Errorf("routes shown as %q", classifyOf(f).Routes.Text)
		}
		r.u.Dropped(fyne.Position{}, uris(r.files("invoice-12.pdf")))
	})
	r.eventually("the classify and its routed extract done", func() bool {
		js, err := r.engine.List(t.Context(), jobs.Query{})
		return err == nil && len(js) == 2 && js[0].Status == jobs.StatusCompleted && js[1].Status == jobs.StatusCompleted
	})
	js, _ := r.engine.List(t.Context(), jobs.Query{})
	routed, classified := js[0], js[1]
	if classified.Category != "invoice" || routed.Source != jobs.SourceRoute || routed.ParentID != classified.ID {
		t.Fatalf("jobs %+v", js)
	}
	r.eventually("the category in the list", func() bool {
		row := r.u.list.rowAt(1)
		return row != nil && strings.Contains(row.Text(), "classify") && row.cost.Text == "invoice"
	})
	r.onMain(func() { r.u.ShowJob(classified.ID) })
	d := r.u.detail
	r.eventually("the classify's detail with its routed job", func() bool {
		return d.shown && d.job.ID == classified.ID && d.values["Category"].Text == "invoice" && linksText(d) == "invoice → extract #2 (completed)" &&
			strings.HasPrefix(d.Result.String(), "Classified among 2 categories")
	})
	r.onMain(func() {
		if items := d.exportItems(); len(items) != 1 || items[0].Label != "Full result as JSON…" {
			t.Errorf("a classify's exports: %d items, first %q; want only the JSON", len(items), items[0].Label)
		}
		r.u.ShowJob(routed.ID)
	})
	r.eventually("the routed job's detail", func() bool {
		return d.shown && d.job.ID == routed.ID && linksText(d) == "Routed by classify #1" &&
			strings.Contains(d.Origin.Text, "a classify's route") && strings.Contains(d.Origin.Text, "category invoice")
	})
}

// linksText is the detail's links, one per line.
func linksText(d *DetailView) string {
	var parts []string
	for _, o := range d.Links.Objects {
		switch w := o.(type) {
		case *widget.Button:
			parts = append(parts, w.Text)
		case *widget.Label:
			parts = append(parts, w.Text)
		}
	}
	return strings.Join(parts, "\n")
}
