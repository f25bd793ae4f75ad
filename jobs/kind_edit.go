package jobs

import (
	"encoding/json"
	"math"
	"regexp"
	"strings"
)

// KindEdit fills a PDF form (or edits a document) from instructions and
// returns the filled document: POST /edit_async, in its legacy shape.
const KindEdit Kind = "edit"

func init() {
	RegisterKind(KindSpec{
		Kind: KindEdit, Order: 3, Label: "Edit",
		// The legacy shape: the document is document_url, and the client
		// reference travels in webhook.metadata beside the webhook choice.
		AppFields: []string{"document_url", "webhook", "priority"},
		Outputs:   []string{".edit.pdf"},
		Check:     checkEdit,
	})
}

// EditOptions say how an edit job fills a document: the instructions (the
// one thing it needs) and the edit_options the form offers.
type EditOptions struct {
	Instructions string `json:"instructions,omitempty"`
	// Color is the filled text's colour, "#RRGGBB"; empty: Reducto's
	// default (red).
	Color string `json:"color,omitempty"`
	// Flatten turns the form's fields into static content once filled.
	Flatten bool `json:"flatten,omitempty"`
	// OverflowPages adds pages for text that does not fit its field.
	OverflowPages bool `json:"overflow_pages,omitempty"`
}

// editColor is the pattern Reducto's EditOptions.color must match.
var editColor = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// checkEdit requires the instructions, from the form or the raw request's
// edit_instructions (which wins, as the request merge does), and checks
// the shape of edit_options and form_schema lightly: what Reducto would
// refuse with a 422.
func checkEdit(o Options) error {
	if raw := RawLookup(o.Request, "edit_instructions"); raw != nil {
		if s, err := JSONString(raw); err != nil || strings.TrimSpace(s) == "" {
			return fieldErr("request.edit_instructions", "want a non-empty string; got %s", JSONType(raw))
		}
	} else if strings.TrimSpace(o.Edit.Instructions) == "" {
		return fieldErr("request.edit_instructions", "missing; an edit needs instructions (what to fill in, and with what) here")
	}
	if o.Edit.Color != "" && !editColor.MatchString(o.Edit.Color) {
		return fieldErr("edit.color", "%q is not a colour like #1F4E79", o.Edit.Color)
	}
	if raw := RawLookup(o.Request, "edit_options"); raw != nil {
		if err := checkEditOptions(raw); err != nil {
			return err
		}
	}
	if raw := RawLookup(o.Request, "form_schema"); raw != nil && string(raw) != "null" {
		var widgets []json.RawMessage
		if json.Unmarshal(raw, &widgets) != nil {
			return fieldErr("request.form_schema", "want an array of widgets (or null); got %s", JSONType(raw))
		}
		for i, w := range widgets {
			if !IsObject(w) {
				return fieldErr("request.form_schema", "widget %d: want an object; got %s", i+1, JSONType(w))
			}
		}
	}
	return nil
}

// checkEditOptions checks a raw edit_options object's fields the API
// constrains; others pass through for the API to judge.
func checkEditOptions(raw json.RawMessage) error {
	if !IsObject(raw) {
		return fieldErr("request.edit_options", "want a JSON object; got %s", JSONType(raw))
	}
	var eo struct {
		Color    *json.RawMessage `json:"color"`
		FontSize *json.RawMessage `json:"font_size"`
	}
	_ = json.Unmarshal(raw, &eo)
	if eo.Color != nil {
		if s, err := JSONString(*eo.Color); err != nil || !editColor.MatchString(s) {
			return fieldErr("request.edit_options.color", "want a colour like \"#1F4E79\"; got %s", *eo.Color)
		}
	}
	if eo.FontSize != nil && string(*eo.FontSize) != "null" {
		var f float64
		if json.Unmarshal(*eo.FontSize, &f) != nil || math.IsNaN(f) || f < 1 || f > 72 {
			return fieldErr("request.edit_options.font_size", "want a number of points from 1 to 72; got %s", *eo.FontSize)
		}
	}
	return nil
}
