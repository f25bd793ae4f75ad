package jobs

import (
	"encoding/json"
	"errors"
	"testing"
)

// TestValidateEdit: an edit needs instructions from the form or the raw
// request, refuses the fields the app sets in the legacy shape, and
// checks edit_options and form_schema lightly, each error naming the
// preset field.
func TestValidateEdit(t *testing.T) {
	instr := EditOptions{Instructions: "Name: Ada Lovelace"}
	cases := []struct {
		o     Options
		field string // "" = valid
	}{
		{Options{Kind: KindEdit}, "request.edit_instructions"},
		{Options{Kind: KindEdit, Edit: EditOptions{Instructions: "  "}}, "request.edit_instructions"},
		{Options{Kind: KindEdit, Edit: instr}, ""},
		{Options{Kind: KindEdit, Request: json.RawMessage(`{"edit_instructions":"fill it"}`)}, ""},
		{Options{Kind: KindEdit, Request: json.RawMessage(`{"edit_instructions":""}`)}, "request.edit_instructions"},
		{Options{Kind: KindEdit, Request: json.RawMessage(`{"edit_instructions":["a"]}`)}, "request.edit_instructions"},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"document_url":"https://x/y.pdf"}`)}, "request.document_url"},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"webhook":{"mode":"direct"}}`)}, "request.webhook"},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"priority":true}`)}, "request.priority"},
		{Options{Kind: KindEdit, Edit: EditOptions{Instructions: "x", Color: "red"}}, "edit.color"},
		{Options{Kind: KindEdit, Edit: EditOptions{Instructions: "x", Color: "#1f4E79"}}, ""},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"edit_options":[1]}`)}, "request.edit_options"},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"edit_options":{"color":"#12345"}}`)}, "request.edit_options.color"},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"edit_options":{"font_size":90}}`)}, "request.edit_options.font_size"},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"edit_options":{"font_size":11,"flatten":true,"llm_provider_preference":"google"}}`)}, ""},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"form_schema":{"a":1}}`)}, "request.form_schema"},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"form_schema":[1]}`)}, "request.form_schema"},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"form_schema":null}`)}, ""},
		{Options{Kind: KindEdit, Edit: instr, Request: json.RawMessage(`{"form_schema":[{"type":"text","description":"Name"}]}`)}, ""},
		{Options{Kind: KindEdit, Edit: instr, Then: "x"}, "then"},
	}
	for _, c := range cases {
		err := c.o.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%+v: %v, want valid", c.o, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%+v: %v, want a problem with %s", c.o, err, c.field)
		}
	}
	if spec, ok := KindEdit.Spec(); !ok || spec.OnParse || len(spec.Outputs) != 1 || spec.Outputs[0] != ".edit.pdf" {
		t.Errorf("edit's spec = %+v", spec)
	}
}
