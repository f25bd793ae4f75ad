package presets

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestToFormKeepsWhatTheFormCannotShow(t *testing.T) {
	o := ToForm(jobs.Options{Kind: jobs.KindParse, Request: json.RawMessage(
		`{"formatting":{"table_output_format":"latex","add_page_markers":true},"retrieval":{"chunking":{"chunk_mode":"page"}}}`)})
	if o.Parse.TableFormat != "" || o.Parse.ChunkMode != "page" {
		t.Fatalf("parse options %+v: an unknown table format must stay raw, a known chunk mode lifted", o.Parse)
	}
	if got := string(o.Request); !strings.Contains(got, `"table_output_format":"latex"`) || !strings.Contains(got, "add_page_markers") || strings.Contains(got, "retrieval") {
		t.Fatalf("rest %s", got)
	}
}

// TestEditRoundTripsThroughTheForm: an edit preset's request lifts into
// the form's edit fields and back to the same request, the fields the form
// does not show staying raw.
func TestEditRoundTripsThroughTheForm(t *testing.T) {
	req := `{"edit_instructions":"Name: Ada\nCity: London","edit_options":{"color":"#1F4E79","flatten":true,"font_size":10},"form_schema":[{"type":"text"}]}`
	o := ToForm(jobs.Options{Kind: jobs.KindEdit, Request: json.RawMessage(req)})
	if o.Edit != (jobs.EditOptions{Instructions: "Name: Ada\nCity: London", Color: "#1F4E79", Flatten: true}) {
		t.Fatalf("form fields %+v", o.Edit)
	}
	if got := string(o.Request); !strings.Contains(got, "font_size") || !strings.Contains(got, "form_schema") || strings.Contains(got, "edit_instructions") {
		t.Fatalf("rest %s", got)
	}
	o.Parse.TableFormat = "md" // a parse option left in the form is not an edit's
	back := FromOptions("fill", o)
	var got, want map[string]any
	_ = json.Unmarshal(back.Request, &got)
	_ = json.Unmarshal([]byte(req), &want)
	if gs, ws := mustJSON(t, got), mustJSON(t, want); gs != ws {
		t.Errorf("round trip:\n got %s\nwant %s", gs, ws)
	}
	if err := o.Validate(); err != nil {
		t.Errorf("the lifted options do not validate: %v", err)
	}
	if a := back.Apply(jobs.Options{Edit: jobs.EditOptions{Instructions: "stale"}}, false); a.Edit != (jobs.EditOptions{}) || a.Kind != jobs.KindEdit {
		t.Errorf("Apply kept the form's edit fields: %+v", a.Edit)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
