package presets

import (
	"encoding/json"

	"github.com/reductotray/reducto-tray/jobs"
)

// formMapping is one kind's share of the round trip between the submit
// form's options and a preset's request: toRequest encodes the kind's form
// options as Reducto request fields (FromOptions), fromRequest takes out of
// a request the fields the form has widgets for (ToForm, through take, so
// what it cannot show faithfully stays in the request). Each kind registers
// its own from its file (kind_parse.go, kind_extract.go, ...).
type formMapping struct {
	toRequest   func(o jobs.Options) map[string]any
	fromRequest func(req map[string]json.RawMessage, o *jobs.Options)
}

var formMappings = map[jobs.Kind]formMapping{}

// registerForm adds kind's mapping; called from the kind's file's init.
func registerForm(kind jobs.Kind, m formMapping) {
	if _, dup := formMappings[kind]; dup {
		panic("presets: form mapping of " + string(kind) + " registered twice")
	}
	formMappings[kind] = m
}

// formRequest encodes the form's fields of kind as Reducto request fields.
func formRequest(kind jobs.Kind, o jobs.Options) json.RawMessage {
	req := map[string]any{}
	if m, ok := formMappings[kind]; ok {
		req = m.toRequest(o)
	}
	out, err := json.Marshal(req)
	if err != nil {
		return nil
	}
	return out
}
