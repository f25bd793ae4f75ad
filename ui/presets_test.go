package ui

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/presets"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// invoicesPreset is an extract preset as jobs/presets resolves it: every
// field in the request, the form options empty.
func invoicesPreset() jobs.Options {
	return jobs.Options{Kind: jobs.KindExtract, Outputs: jobs.OutputsBeside, Request: json.RawMessage(
		`{"instructions":{"schema":{"type":"object","properties":{"total":{"type":"number"}}},"system_prompt":"Amounts in euros"},` +
			`"parsing":{"formatting":{"table_output_format":"md"}},"settings":{"ocr_system":"standard"}}`)}
}

func tablesPreset() jobs.Options {
	return jobs.Options{Kind: jobs.KindParse, Request: json.RawMessage(
		`{"formatting":{"table_output_format":"csv"},"settings":{"page_range":{"start":2},"ocr_system":"standard"}}`)}
}

func presetRig(t *testing.T, p *fakePresets) *rig {
	t.Helper()
	r := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) { cfg.Presets = p })
	r.eventually("the preset names", func() bool { return len(r.u.submit.Preset.Options) == 1+len(p.presets) })
	return r
}

func TestPickingPresetFillsForm(t *testing.T) {
	p := newFakePresets(map[string]jobs.Options{"invoices": invoicesPreset(), "tables": tablesPreset()})
	r := presetRig(t, p)
	f := r.u.submit
	r.onMain(func() { f.Preset.SetSelected("invoices") })
	r.eventually("the form filled from the preset", func() bool { return f.Kind.Selected == string(jobs.KindExtract) })
	r.onMain(func() {
		if !strings.Contains(extractOf(f).Schema.Text, `"total"`) || extractOf(f).SystemPrompt.Text != "Amounts in euros" {
			t.Errorf("schema %q, prompt %q: want the preset's instructions in the form", extractOf(f).Schema.Text, extractOf(f).SystemPrompt.Text)
		}
		// An extract has no parse widgets: its parsing options stay raw,
		// or submitting would drop them.
		if parseOf(f).TableFormat.Selected != "default" || !strings.Contains(f.Request.Text, `"table_output_format": "md"`) {
			t.Errorf("tables as %q, raw %q: want parsing.formatting kept in the raw view", parseOf(f).TableFormat.Selected, f.Request.Text)
		}
		if !f.Beside.Checked {
			t.Error("results beside not ticked for a preset with outputs beside")
		}
		// The raw view keeps only what the form has no widget for.
		if !strings.Contains(f.Request.Text, "ocr_system") || strings.Contains(f.Request.Text, "schema") || strings.Contains(f.Request.Text, "system_prompt") {
			t.Errorf("raw view %q: want only the fields the form does not show", f.Request.Text)
		}
		o, err := f.options()
		if err != nil {
			t.Fatalf("options from a preset: %v", err)
		}
		if o.Preset != "invoices" || o.Outputs != jobs.OutputsBeside {
			t.Errorf("options preset %q outputs %q", o.Preset, o.Outputs)
		}
	})

	// Another preset replaces everything; no preset goes back to the
	// defaults.
	r.onMain(func() { f.Preset.SetSelected("tables") })
	r.eventually("the parse preset", func() bool { return f.Kind.Selected == string(jobs.KindParse) })
	r.onMain(func() {
		if parseOf(f).TableFormat.Selected != "csv" || parseOf(f).PageStart.Text != "2" || f.Beside.Checked {
			t.Errorf("tables %q, first page %q, beside %v", parseOf(f).TableFormat.Selected, parseOf(f).PageStart.Text, f.Beside.Checked)
		}
		f.Preset.SetSelected(noPreset)
		if f.preset != "" || parseOf(f).TableFormat.Selected != "default" || f.Request.Text != "" {
			t.Errorf("no preset: preset %q, tables %q, raw %q; want the defaults", f.preset, parseOf(f).TableFormat.Selected, f.Request.Text)
		}
	})
}

func TestRawJSONErrorsBlockSubmit(t *testing.T) {
	r := presetRig(t, newFakePresets(nil))
	f := r.u.submit
	r.onMain(func() {
		f.stage(r.files("a.pdf"))
		if f.SubmitButton.Disabled() {
			t.Fatal("submit disabled before any raw field")
		}
		f.Request.SetText("{\n  \"settings\": {\"ocr_system\": }\n}")
		if !f.SubmitButton.Disabled() || !f.Problem.Visible() || !strings.Contains(f.Problem.Text, "request fields: not valid JSON") ||
			!strings.Contains(f.Problem.Text, "line 2") {
			t.Errorf("invalid JSON: problem %q (shown %v), submit disabled %v", f.Problem.Text, f.Problem.Visible(), f.SubmitButton.Disabled())
		}
		if !f.SavePreset.Disabled() {
			t.Error("save as preset enabled with invalid JSON")
		}
		f.Request.SetText(`{"input": "https://example.com/x.pdf", "async": {}}`)
		if !f.SubmitButton.Disabled() || !strings.Contains(f.Problem.Text, `"input", "async"`) {
			t.Errorf("refused keys: problem %q, submit disabled %v", f.Problem.Text, f.SubmitButton.Disabled())
		}
		f.Request.SetText(`["settings"]`)
		if !f.SubmitButton.Disabled() || !strings.Contains(f.Problem.Text, "JSON object") {
			t.Errorf("not an object: problem %q", f.Problem.Text)
		}
		test.Tap(f.SubmitButton)
		f.Request.SetText(`{"settings": {"ocr_system": "standard"}}`)
		if f.SubmitButton.Disabled() || f.Problem.Visible() {
			t.Errorf("valid raw fields: problem %q, submit disabled %v", f.Problem.Text, f.SubmitButton.Disabled())
		}
	})
	if n := r.count(jobs.Query{}); n != 0 {
		t.Fatalf("%d jobs submitted while the raw fields were invalid", n)
	}
}

func TestSaveAsPresetSavesFormOptions(t *testing.T) {
	p := newFakePresets(nil)
	r := presetRig(t, p)
	f := r.u.submit
	r.onMain(func() {
		f.Kind.SetSelected(string(jobs.KindParse))
		parseOf(f).TableFormat.SetSelected("md")
		parseOf(f).PageEnd.SetText("4")
		f.Beside.SetChecked(true)
		f.Request.SetText(`{"settings": {"ocr_system": "standard"}}`)
		f.SaveAsPreset()
		f.saveName.SetText("q3 tables")
		f.saveDialog.Submit()
	})
	r.eventually("the saved preset selected", func() bool { return f.Preset.Selected == "q3 tables" && f.preset == "q3 tables" })
	saved := p.savedList()
	if len(saved) != 1 || saved[0].name != "q3 tables" {
		t.Fatalf("saved %+v, want one preset q3 tables", saved)
	}
	o := saved[0].opts
	if o.Kind != jobs.KindParse || o.Parse.TableFormat != "md" || o.Parse.PageEnd != 4 || o.Outputs != jobs.OutputsBeside ||
		!strings.Contains(string(o.Request), "ocr_system") || o.Preset != "" || o.Source != "" {
		t.Fatalf("saved options %+v: want the form's", o)
	}

	// The store's refusal is shown, not swallowed.
	p.saveErr = errors.New(`preset name "a/b": only letters, digits, spaces and - _ . ( ) + ,`)
	r.onMain(func() {
		f.SaveAsPreset()
		f.saveName.SetText("a/b")
		f.saveDialog.Submit()
	})
	r.eventually("the store's error", func() bool {
		return f.Problem.Visible() && strings.Contains(f.Problem.Text, "only letters") && strings.Contains(r.u.status.Text, "only letters")
	})
	if f.preset != "q3 tables" {
		t.Fatalf("a refused save changed the panel's preset to %q", f.preset)
	}
}

func TestDroppedFileUsesPanelPreset(t *testing.T) {
	r := presetRig(t, newFakePresets(map[string]jobs.Options{"tables": tablesPreset()}))
	f := r.u.submit
	r.onMain(func() { f.Preset.SetSelected("tables") })
	r.eventually("the preset in the panel", func() bool { return parseOf(f).TableFormat.Selected == "csv" })
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("report.pdf"))) })
	r.eventually("one job", func() bool { return r.count(jobs.Query{}) == 1 })
	js, err := r.engine.List(context.Background(), jobs.Query{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	j := js[0]
	if j.Preset != "tables" || j.Source != jobs.SourceDrop {
		t.Fatalf("job preset %q source %q, want tables and drop", j.Preset, j.Source)
	}
	if j.Options.Parse.TableFormat != "csv" || j.Options.Parse.PageStart != 2 || !strings.Contains(string(j.Options.Request), "ocr_system") {
		t.Fatalf("job options %+v: want the preset's", j.Options)
	}
}

func TestTraySubmitWithListsPresets(t *testing.T) {
	r := presetRig(t, newFakePresets(map[string]jobs.Options{"invoices": invoicesPreset(), "tables": tablesPreset()}))
	var with *fyne.MenuItem
	r.onMain(func() {
		for _, it := range r.u.TrayMenu().Items {
			if it.Label == "Submit with…" {
				with = it
			}
		}
	})
	if with == nil || with.ChildMenu == nil {
		t.Fatal("no Submit with… submenu in the tray menu")
	}
	var names []string
	for _, it := range with.ChildMenu.Items {
		names = append(names, it.Label)
	}
	if strings.Join(names, ",") != "invoices,tables" {
		t.Fatalf("Submit with… lists %q, want the presets", names)
	}
}

// TestPresetRoundTripThroughFiles saves the form as a preset file in the
// real presets folder and picks it again: the form comes back the same.
func TestPresetRoundTripThroughFiles(t *testing.T) {
	dir := t.TempDir()
	r := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) { cfg.Presets = PresetStore(presets.Open(dir)) })
	f := r.u.submit
	r.onMain(func() {
		f.Kind.SetSelected(string(jobs.KindExtract))
		extractOf(f).Schema.SetText(`{"type": "object", "properties": {"total": {"type": "number"}}}`)
		extractOf(f).SystemPrompt.SetText("Amounts in euros")
		f.Beside.SetChecked(true)
		f.Request.SetText(`{"settings": {"ocr_system": "standard"}}`)
		f.SaveAsPreset()
		f.saveName.SetText("invoices")
		f.saveDialog.Submit()
	})
	r.eventually("the saved preset selected", func() bool { return f.preset == "invoices" })
	data, err := os.ReadFile(filepath.Join(dir, "invoices.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"system_prompt"`) || !strings.Contains(string(data), `"ocr_system"`) || !strings.Contains(string(data), `"beside"`) {
		t.Fatalf("preset file %s: want the form's fields as request fields", data)
	}
	r.onMain(func() {
		f.Preset.SetSelected(noPreset)
		if f.Kind.Selected != string(jobs.KindParse) {
			t.Fatalf("no preset: kind %q", f.Kind.Selected)
		}
		f.Preset.SetSelected("invoices")
	})
	r.eventually("the preset back in the form", func() bool { return f.Kind.Selected == string(jobs.KindExtract) })
	r.onMain(func() {
		if !strings.Contains(extractOf(f).Schema.Text, `"total"`) || extractOf(f).SystemPrompt.Text != "Amounts in euros" || !f.Beside.Checked ||
			!strings.Contains(f.Request.Text, "ocr_system") || strings.Contains(f.Request.Text, "instructions") {
			t.Fatalf("form from the file: schema %q prompt %q beside %v raw %q", extractOf(f).Schema.Text, extractOf(f).SystemPrompt.Text, f.Beside.Checked, f.Request.Text)
		}
	})
}
