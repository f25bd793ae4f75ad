package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// TestEditDetailShowsTheFilledDocument: a completed edit's detail reads
// its result as an edit, puts the filled document (the history's copy) in
// the page view, ticked on, and switches to the original and back; the
// form's fields as Reducto read them are listed.
func TestEditDetailShowsTheFilledDocument(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	pdf, err := reductotest.FormPDF("Registration", "Name", "City")
	if err != nil {
		t.Fatal(err)
	}
	form := filepath.Join(r.dir, "form.pdf")
	if err := os.WriteFile(form, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := r.engine.Submit(t.Context(), []string{form}, jobs.Options{Kind: jobs.KindEdit,
		Edit: jobs.EditOptions{Instructions: "Name: Ada Lovelace\nCity: London"}}); err != nil {
		t.Fatal(err)
	}
	r.eventually("the completed row", func() bool {
		row := r.u.list.rowAt(0)
		return row != nil && strings.Contains(row.Text(), "completed")
	})
	r.onMain(func() { r.u.list.List.Select(0) })
	d := r.u.detail
	var filled string
	r.eventually("the filled document in the page view", func() bool {
		if d.pages == nil || !d.pages.Toggle.Checked || !strings.HasSuffix(d.pages.src.Path, "form.edit.pdf") {
			return false
		}
		filled = d.pages.src.Path
		return d.model != nil && d.model.edit != nil && strings.Contains(d.model.summary(), "filled")
	})
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(filled)) })
	got, _ := os.ReadFile(filled)
	kept, err := r.engine.Document(t.Context(), d.job.ID)
	if err != nil || !bytes.Equal(got, kept) {
		t.Fatalf("the page view's file is not the kept filled document (%v)", err)
	}
	r.onMain(func() { d.showDocument(form) })
	r.eventually("the original in the page view", func() bool { return d.pages.src.Path == form })
	if !strings.Contains(string(d.model.edit.FormSchema), "London") {
		t.Errorf("form_schema %s", d.model.edit.FormSchema)
	}
}

// TestEditExportOffersTheFilledDocument: an edit's Export menu offers the
// filled PDF and the JSON, not a parse's Markdown.
func TestEditExportOffersTheFilledDocument(t *testing.T) {
	d := &DetailView{job: jobs.Job{Kind: jobs.KindEdit}, View: &ResultView{}, model: &resultModel{kind: jobs.KindEdit}}
	var labels []string
	for _, it := range d.exportItems() {
		labels = append(labels, it.Label)
	}
	if got := strings.Join(labels, " | "); got != "Filled document (PDF)… | Full result as JSON…" {
		t.Errorf("export items %q", got)
	}
}
