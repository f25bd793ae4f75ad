package core

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/presets"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// TestSandboxFirstRunAddsExamples: a --sandbox run on a data folder with
// no presets folder adds the example presets and the sample documents,
// and they work as advertised offline: the mail is sorted (the invoice
// routed to the extract preset), the blank form is filled.
func TestSandboxFirstRunAddsExamples(t *testing.T) {
	home := t.TempDir()
	a, err := startCoreIn(t, home, Flags{Headless: true})
	if err != nil {
		t.Fatal(err)
	}
	ps, errs := a.Presets().List()
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	if len(errs) > 0 || !slices.Equal(names, []string{ExampleFillPreset, ExampleInvoicePreset, ExampleSortPreset}) {
		t.Fatalf("presets %v, errors %v", names, errs)
	}
	ex := a.ExamplesDir()
	if ex != datadir.ExamplesDir(home) {
		t.Fatalf("ExamplesDir() = %q", ex)
	}
	ctx := context.Background()
	submit := func(preset string, files ...string) []jobs.Job {
		t.Helper()
		o, err := a.PresetOptions(preset, jobs.SourceCLI, false)
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, f := range files {
			paths = append(paths, filepath.Join(ex, f))
		}
		q, err := a.Engine().Submit(ctx, paths, o)
		if err != nil {
			t.Fatalf("%s: %v", preset, err)
		}
		return q
	}
	mail := submit(ExampleSortPreset, "invoice-0042.pdf", "service agreement.pdf", "letter.pdf")
	form := submit(ExampleFillPreset, "blank form.pdf")
	waitFor(t, "the sorted mail, the routed extract and the filled form", func() bool {
		js, err := a.Engine().List(ctx, jobs.Query{})
		if err != nil || len(js) != 5 {
			return false
		}
		for _, j := range js {
			if !j.Status.Final() {
				return false
			}
		}
		return true
	})
	want := map[string]string{"invoice-0042.pdf": "invoice", "service agreement.pdf": "contract", "letter.pdf": "letter"}
	for _, q := range mail {
		j, _ := a.Engine().Job(ctx, q.ID)
		if j.Status != jobs.StatusCompleted || j.Category != want[filepath.Base(j.File)] {
			t.Errorf("%s: %s, category %q", filepath.Base(j.File), j.Status, j.Category)
		}
	}
	js, _ := a.Engine().List(ctx, jobs.Query{})
	routed := 0
	for _, j := range js {
		if j.Source == jobs.SourceRoute {
			routed++
			if j.Kind != jobs.KindExtract || j.Status != jobs.StatusCompleted || filepath.Base(j.File) != "invoice-0042.pdf" || j.Preset != ExampleInvoicePreset {
				t.Errorf("routed %+v", j)
			}
		}
	}
	if routed != 1 {
		t.Errorf("%d routed jobs, want 1 (the invoice)", routed)
	}
	filled, err := a.Engine().FilledDocumentPath(ctx, form[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filled)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := reductotest.FormValues(b); err != nil || v["Name"] != "Ada Lovelace" || v["City"] != "London" {
		t.Errorf("filled form %v, %v", v, err)
	}
}

// TestSandboxExamplesNeverTouchAPresetsFolder: a data folder that has a
// presets folder (here an empty one) gets no examples;
// and a second first-run check adds nothing again
// after the user deleted the examples.
func TestSandboxExamplesNeverTouchAPresetsFolder(t *testing.T) {
	home := homeWithPresets(t, nil)
	if _, err := startCoreIn(t, home, Flags{Headless: true}); err != nil {
		t.Fatal(err)
	}
	if ps, _ := presets.Open(datadir.PresetsDir(home)).List(); len(ps) != 0 {
		t.Errorf("examples added to an existing presets folder: %v", ps)
	}
	if _, err := os.Stat(datadir.ExamplesDir(home)); !os.IsNotExist(err) {
		t.Errorf("examples folder made: %v", err)
	}

	fresh := t.TempDir()
	names, err := installExamples(fresh)
	if err != nil || len(names) != 3 {
		t.Fatalf("first: %v, %v", names, err)
	}
	for _, n := range slices.Backward(names) { // the classify first: it routes to the extract
		if err := presets.Open(datadir.PresetsDir(fresh)).Delete(n); err != nil {
			t.Fatal(err)
		}
	}
	if names, err := installExamples(fresh); err != nil || len(names) != 0 {
		t.Fatalf("again after the user deleted them: %v, %v", names, err)
	}
}
