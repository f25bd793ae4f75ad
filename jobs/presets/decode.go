package presets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

// fields are a preset file's top-level fields, in the contract's order.
var fields = []string{"kind", "request", "webhook", "channels", "metadata", "outputs", "then", "routes"}

// refKey is the async.metadata key of the app's own client reference
// (engine.RefKey; a test keeps them equal): a preset may not set it.
const refKey = "reducto_tray_ref"

// decode reads and checks one preset file's content; file is its name as
// people see it, for the errors. Whether "then" names an existing preset is
// the Store's to check.
func decode(file string, data []byte) (Preset, error) {
	fail := func(field, format string, args ...any) (Preset, error) {
		return Preset{}, &Error{File: file, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail("", "the file is empty; it must hold a JSON object with at least \"kind\"")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line, col := position(data, syn.Offset)
			return fail("", "not valid JSON at line %d, column %d: %v", line, col, err)
		}
		return fail("", "must hold a JSON object, not %s", jobs.JSONType(bytes.TrimSpace(data)))
	}
	if top == nil {
		return fail("", "must hold a JSON object, not null")
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(fields, k) {
			return fail(k, "unknown field; a preset has %s", strings.Join(fields, ", "))
		}
	}

	var p Preset
	kinds := jobs.KindNames(",")
	raw, ok := top["kind"]
	if !ok {
		return fail("kind", "missing; it is required: one of %s", kinds)
	}
	s, err := jobs.JSONString(raw)
	if err != nil {
		return fail("kind", "want a string, one of %s; got %s", kinds, jobs.JSONType(raw))
	}
	if p.Kind = jobs.Kind(s); !p.Kind.Valid() {
		return fail("kind", "%q is not one of %s", s, kinds)
	}

	if raw, ok := top["request"]; ok {
		if !jobs.IsObject(raw) {
			return fail("request", "want a JSON object of Reducto request fields; got %s", jobs.JSONType(raw))
		}
		p.Request = compact(raw)
	}
	if raw, ok := top["routes"]; ok {
		if p.Routes, err = decodeRoutes(file, p.Kind, raw); err != nil {
			return Preset{}, err
		}
	}
	// The kind's own rules, the same the form and the engine apply.
	if err := (jobs.Options{Kind: p.Kind, Request: p.Request, Routes: p.Routes}).Validate(); err != nil {
		var fe *jobs.FieldError
		if errors.As(err, &fe) {
			return fail(fe.Field, "%s", fe.Msg)
		}
		return fail("request", "%v", err)
	}

	if raw, ok := top["webhook"]; ok {
		modes := "none, svix, direct"
		s, err := jobs.JSONString(raw)
		if err != nil {
			return fail("webhook", "want a string, one of %s; got %s", modes, jobs.JSONType(raw))
		}
		if p.Webhook = jobs.WebhookMode(s); !p.Webhook.Valid() {
			return fail("webhook", "%q is not one of %s", s, modes)
		}
	}

	if raw, ok := top["channels"]; ok {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil || items == nil {
			return fail("channels", "want an array of Svix channel names; got %s", jobs.JSONType(raw))
		}
		for i, it := range items {
			s, err := jobs.JSONString(it)
			if err != nil {
				return fail(fmt.Sprintf("channels[%d]", i), "want a string; got %s", jobs.JSONType(it))
			}
			if strings.TrimSpace(s) == "" {
				return fail(fmt.Sprintf("channels[%d]", i), "empty channel name")
			}
			p.Channels = append(p.Channels, s)
		}
		if len(p.Channels) > 0 && p.Webhook != "" && p.Webhook != jobs.WebhookSvix {
			return fail("channels", "channels are Svix channels, but \"webhook\" is %q", p.Webhook)
		}
	}

	if raw, ok := top["metadata"]; ok {
		if !jobs.IsObject(raw) {
			return fail("metadata", "want a JSON object; got %s", jobs.JSONType(raw))
		}
		p.Metadata = compact(raw)
		if jobs.RawLookup(p.Metadata, refKey) != nil {
			return fail("metadata."+refKey, "the app's own client reference; use another key")
		}
	}

	if raw, ok := top["outputs"]; ok {
		rules := "beside, none"
		s, err := jobs.JSONString(raw)
		if err != nil {
			return fail("outputs", "want a string, one of %s; got %s", rules, jobs.JSONType(raw))
		}
		if p.Outputs = jobs.OutputRule(s); p.Outputs != jobs.OutputsBeside && p.Outputs != jobs.OutputsNone {
			return fail("outputs", "%q is not one of %s", s, rules)
		}
	}

	if raw, ok := top["then"]; ok {
		s, err := jobs.JSONString(raw)
		if err != nil {
			return fail("then", "want the name of an extract or split preset; got %s", jobs.JSONType(raw))
		}
		if p.Kind != jobs.KindParse {
			return fail("then", "only a parse preset can run another preset on its result; this one is %s", p.Kind)
		}
		if err := CheckName(s); err != nil {
			return fail("then", "%v", err)
		}
		p.Then = s
	}
	return p, nil
}

// position turns a syntax error's offset (the bytes read, the offending
// one included) into the 1-based line and column of the offending byte.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off-1, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// decodeRoutes reads a classify preset's "routes": an object mapping a
// category to the name of a preset. Whether the categories are the
// request's is Validate's to check; whether the presets exist, the Store's.
func decodeRoutes(file string, kind jobs.Kind, raw json.RawMessage) (map[string]string, error) {
	if kind != jobs.KindClassify {
		return nil, &Error{File: file, Field: "routes", Msg: fmt.Sprintf("only a classify preset routes documents by their category; this one is %s", kind)}
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return nil, &Error{File: file, Field: "routes", Msg: fmt.Sprintf("want an object mapping a category to a preset's name; got %s", jobs.JSONType(raw))}
	}
	routes := make(map[string]string, len(m))
	for _, cat := range slices.Sorted(maps.Keys(m)) {
		s, err := jobs.JSONString(m[cat])
		if err != nil {
			return nil, &Error{File: file, Field: "routes." + cat, Msg: fmt.Sprintf("want the name of a preset; got %s", jobs.JSONType(m[cat]))}
		}
		if err := CheckName(s); err != nil {
			return nil, &Error{File: file, Field: "routes." + cat, Msg: err.Error()}
		}
		routes[cat] = s
	}
	if len(routes) == 0 {
		return nil, nil
	}
	return routes, nil
}
