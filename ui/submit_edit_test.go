package ui

import (
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/presets"
)

// TestEditFormRoundTrip: the form's edit fields become the options' Edit
// and come back, through a preset's request too (FromOptions, ToForm);
// an edit without instructions, or with a colour Reducto refuses, says
// what to do.
func TestEditFormRoundTrip(t *testing.T) {
	test.NewTempApp(t)
	in := formInput{Kind: jobs.KindEdit, Webhook: jobs.WebhookNone}
	s := newEditSection(func() {})
	s.Instructions.SetText(" Name: Ada\nCity: London ")
	s.Color.SetText("#1F4E79")
	s.Flatten.SetChecked(true)
	o, err := in.withKind(s)
	if err != nil {
		t.Fatal(err)
	}
	if o.Edit != (jobs.EditOptions{Instructions: "Name: Ada\nCity: London", Color: "#1F4E79", Flatten: true}) {
		t.Fatalf("options %+v", o.Edit)
	}
	p := presets.FromOptions("fill", o)
	var req map[string]any
	if err := json.Unmarshal(p.Request, &req); err != nil || req["edit_instructions"] != "Name: Ada\nCity: London" {
		t.Fatalf("preset request %s", p.Request)
	}
	form := presets.ToForm(p.Apply(jobs.Options{}, false))
	back := newEditSection(func() {})
	back.fill(form)
	if in := fromOptions(form); in.Kind != jobs.KindEdit || back.Instructions.Text != o.Edit.Instructions || back.Color.Text != "#1F4E79" || !back.Flatten.Checked || in.Request != "" {
		t.Fatalf("back in the form %+v, instructions %q", in, back.Instructions.Text)
	}

	s.Instructions.SetText("  ")
	if _, err := in.withKind(s); err == nil || !strings.Contains(err.Error(), "instructions") {
		t.Errorf("no instructions: %v", err)
	}
	in.Request = `{"edit_instructions":"fill it"}`
	if _, err := in.withKind(s); err != nil {
		t.Errorf("instructions in the request fields: %v", err)
	}
	in.Request = ""
	s.Instructions.SetText("x")
	s.Color.SetText("blue")
	if _, err := in.withKind(s); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("bad colour: %v", err)
	}
}
