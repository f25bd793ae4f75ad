package ui

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/presets"
)

// TestEditFormRoundTrip: the form's edit fields become the options' Edit
// and come back, through a preset's request too (FromOptions, ToForm);
// an edit without instructions, or with a colour Reducto refuses, says
// what to do.
func TestEditFormRoundTrip(t *testing.T) {
	in := formInput{Kind: jobs.KindEdit, Webhook: jobs.WebhookNone,
		EditInstructions: " Name: Ada\nCity: London ", EditColor: "#1F4E79", EditFlatten: true}
	o, err := in.toOptions()
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
	back := fromOptions(presets.ToForm(p.Apply(jobs.Options{}, false)))
	if back.Kind != jobs.KindEdit || back.EditInstructions != o.Edit.Instructions || back.EditColor != "#1F4E79" || !back.EditFlatten || back.Request != "" {
		t.Fatalf("back in the form %+v", back)
	}

	in.EditInstructions = "  "
	if _, err := in.toOptions(); err == nil || !strings.Contains(err.Error(), "instructions") {
		t.Errorf("no instructions: %v", err)
	}
	in.Request = `{"edit_instructions":"fill it"}`
	if _, err := in.toOptions(); err != nil {
		t.Errorf("instructions in the request fields: %v", err)
	}
	in.Request, in.EditInstructions, in.EditColor = "", "x", "blue"
	if _, err := in.toOptions(); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("bad colour: %v", err)
	}
}
