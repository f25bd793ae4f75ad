package core

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// TestEditPresetFillsTheRunsFormHeadless: `--sandbox --preset fill
// form.pdf` sends the form to /edit_async in its legacy shape with the
// preset's instructions, and the sandbox's filled form lands beside it as
// form.edit.pdf, listed in the job's outputs.
func TestEditPresetFillsTheRunsFormHeadless(t *testing.T) {
	home := homeWithPresets(t, map[string]string{"fill": `{"kind":"edit","outputs":"beside",
		"request":{"edit_instructions":"Name: Ada Lovelace\nCity: London","edit_options":{"flatten":false}}}`})
	a, err := startCoreIn(t, home, Flags{Preset: "fill"})
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := reductotest.FormPDF("Registration", "Name", "City")
	if err != nil {
		t.Fatal(err)
	}
	form := filepath.Join(t.TempDir(), "form.pdf")
	if err := os.WriteFile(form, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	queued := a.submitCLI([]string{form})
	if len(queued) != 1 || queued[0].Kind != jobs.KindEdit {
		t.Fatalf("queued %+v", queued)
	}
	body := sentBody(t, a, queued[0].ID)
	if field(body, "edit_instructions") != "Name: Ada Lovelace\nCity: London" || field(body, "document_url") == nil ||
		field(body, "webhook", "metadata", "reducto_tray_ref") != queued[0].ClientRef || field(body, "input") != nil {
		t.Errorf("the sandbox got %v", body)
	}
	var j jobs.Job
	waitFor(t, "outputs", func() bool {
		j, err = a.Engine().Job(context.Background(), queued[0].ID)
		return err == nil && len(j.Outputs) > 0
	})
	want := filepath.Join(filepath.Dir(form), "form.edit.pdf")
	if j.Status != jobs.StatusCompleted || len(j.Outputs) != 1 || j.Outputs[0] != want {
		t.Fatalf("job %s outputs %v", j.Status, j.Outputs)
	}
	filled, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := reductotest.FormValues(filled); err != nil || v["Name"] != "Ada Lovelace" || v["City"] != "London" {
		t.Errorf("form.edit.pdf fields %v, %v", v, err)
	}
}
