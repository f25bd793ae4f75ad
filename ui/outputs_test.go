package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

func TestDetailListsOutputs(t *testing.T) {
	opened := &openedURLs{}
	r := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) {
		cfg.OpenURL = opened.open
		cfg.Presets = newFakePresets(map[string]jobs.Options{"beside": {Kind: jobs.KindParse, Outputs: jobs.OutputsBeside}})
	})
	f := r.u.submit
	r.eventually("the preset names", func() bool { return len(f.Preset.Options) == 2 })
	r.onMain(func() { f.Preset.SetSelected("beside") })
	r.eventually("results beside ticked", func() bool { return f.Beside.Checked })
	doc := r.files("invoice.pdf")[0]
	r.onMain(func() { f.stage([]string{doc}); test.Tap(f.SubmitButton) })
	r.eventually("the outputs recorded", func() bool {
		js, err := r.engine.List(context.Background(), jobs.Query{Limit: 1})
		return err == nil && len(js) == 1 && len(js[0].Outputs) > 0
	})
	js, _ := r.engine.List(context.Background(), jobs.Query{Limit: 1})
	j := js[0]
	d := r.u.detail
	r.onMain(func() { d.Show(j.ID) })
	r.eventually("the outputs in the detail", func() bool { return d.shown && len(d.Outputs.Rows) == len(j.Outputs) })
	r.onMain(func() {
		if !d.Outputs.Object().Visible() || d.Outputs.Note.Visible() {
			t.Errorf("outputs shown %v, note shown %v (%q)", d.Outputs.Object().Visible(), d.Outputs.Note.Visible(), d.Outputs.Note.Text)
		}
		var names []string
		for _, row := range d.Outputs.Rows {
			names = append(names, row.Name.Text)
		}
		if !strings.Contains(strings.Join(names, ","), "invoice.parse.md") {
			t.Errorf("output rows %q, want invoice.parse.md", names)
		}
		if d.values["Source"].Text != sourceText(jobs.SourceDrop) || d.values["Preset"].Text != "beside" {
			t.Errorf("source %q preset %q", d.values["Source"].Text, d.values["Preset"].Text)
		}
		row := d.Outputs.Rows[0]
		test.Tap(row.Open)
		test.Tap(row.Reveal)
		want := []string{"file://" + row.Path, "file://" + filepath.Dir(row.Path)}
		if got := opened.list(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("opened %q, want %q", got, want)
		}
	})
	for _, p := range j.Outputs {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("listed output %s: %v", p, err)
		}
	}
}

func TestDetailSaysWhyOutputsAreMissing(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	d := r.u.detail
	j := jobs.Job{ID: 7, File: "/data/invoice.pdf", Kind: jobs.KindParse, Status: jobs.StatusCompleted,
		Options: jobs.Options{Kind: jobs.KindParse, Outputs: jobs.OutputsBeside}}
	tl := []jobs.Transition{
		{JobID: 7, From: jobs.StatusRunning, To: jobs.StatusCompleted},
		{JobID: 7, From: jobs.StatusCompleted, To: jobs.StatusCompleted, Detail: "results not written beside invoice.pdf: open /data/.invoice.parse.md.tmp: read-only file system"},
	}
	r.onMain(func() {
		d.fill(j, tl, nil, nil, nil, nil, nil)
		if !d.Outputs.Note.Visible() || !strings.Contains(d.Outputs.Note.Text, "read-only file system") || len(d.Outputs.Rows) != 0 {
			t.Fatalf("note %q (shown %v), %d rows", d.Outputs.Note.Text, d.Outputs.Note.Visible(), len(d.Outputs.Rows))
		}
		// Once written (a later try), the files replace the note.
		j.Outputs = []string{"/data/invoice.parse.md"}
		d.fill(j, tl, nil, nil, nil, nil, nil)
		if d.Outputs.Note.Visible() || len(d.Outputs.Rows) != 1 {
			t.Fatalf("after writing: note shown %v, %d rows", d.Outputs.Note.Visible(), len(d.Outputs.Rows))
		}
	})
}

// One file written beside the document takes one line (with the heading
// above it, a 700x500 window lost a line of the result to it).
func TestOneOutputTakesOneLine(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	v := r.u.detail.Outputs
	r.onMain(func() {
		v.show(jobs.Job{Outputs: []string{"/d/invoice.extract.json"}}, nil, "")
		if v.Heading.Visible() || v.Rows[0].Name.Text != "Written beside it: invoice.extract.json" {
			t.Errorf("heading shown %v, row %q", v.Heading.Visible(), v.Rows[0].Name.Text)
		}
		v.show(jobs.Job{Outputs: []string{"/d/a.parse.md", "/d/a.parse.json"}}, nil, "")
		if !v.Heading.Visible() || v.Rows[0].Name.Text != "a.parse.md" {
			t.Errorf("two outputs: heading shown %v, row %q", v.Heading.Visible(), v.Rows[0].Name.Text)
		}
	})
}
