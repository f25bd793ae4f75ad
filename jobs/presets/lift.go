package presets

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/reductotray/reducto-tray/jobs"
)

// ToForm moves the request fields the submit form has widgets for
// (table format, chunking, page range, an extract's schema and prompt, a
// split's sections and rules) out of o.Request into o's form options, so
// a preset, whose request says everything it sends, fills the form; what
// the form cannot show stays in the raw view. Values the form could not
// represent faithfully stay in the request too. Saving the form as a
// preset puts them back (FromOptions), and the request merge sends
// the same fields either way.
func ToForm(o jobs.Options) jobs.Options {
	if len(bytes.TrimSpace(o.Request)) == 0 {
		return o
	}
	var req map[string]json.RawMessage
	if json.Unmarshal(o.Request, &req) != nil || req == nil {
		return o // invalid: the raw view shows it and says why
	}
	if m, ok := formMappings[o.Kind]; ok {
		m.fromRequest(req, &o)
	}
	o.Request = nil
	if len(req) > 0 {
		if rest, err := json.Marshal(req); err == nil {
			o.Request = rest
		}
	}
	return o
}

// take removes the field at path from m when accept takes its value, and
// with it any object the removal left empty. It returns what accept made
// of the value.
func take(m map[string]json.RawMessage, path []string, accept func(json.RawMessage) (any, bool)) (any, bool) {
	raw, ok := m[path[0]]
	if !ok {
		return nil, false
	}
	if len(path) == 1 {
		v, ok := accept(raw)
		if ok {
			delete(m, path[0])
		}
		return v, ok
	}
	var sub map[string]json.RawMessage
	if json.Unmarshal(raw, &sub) != nil || sub == nil {
		return nil, false
	}
	v, ok := take(sub, path[1:], accept)
	if !ok {
		return nil, false
	}
	if len(sub) == 0 {
		delete(m, path[0])
	} else if b, err := json.Marshal(sub); err == nil {
		m[path[0]] = b
	} else {
		return nil, false
	}
	return v, true
}

func anyString(raw json.RawMessage) (any, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	return s, true
}

func anyBool(raw json.RawMessage) (any, bool) {
	var b bool
	if json.Unmarshal(raw, &b) != nil {
		return nil, false
	}
	return b, true
}

// stringIn accepts the strings the form's select offers.
func stringIn(choices []string) func(json.RawMessage) (any, bool) {
	return func(raw json.RawMessage) (any, bool) {
		s, ok := anyString(raw)
		if !ok || !slices.Contains(choices, s.(string)) {
			return nil, false
		}
		return s, true
	}
}
