package presets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// fields are a preset file's top-level fields, in the contract's order.
var fields = []string{"kind", "request", "webhook", "channels", "metadata", "outputs", "then"}

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
		return fail("", "must hold a JSON object, not %s", typeOf(bytes.TrimSpace(data)))
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
	kinds := "parse, extract, split"
	raw, ok := top["kind"]
	if !ok {
		return fail("kind", "missing; it is required: one of %s", kinds)
	}
	s, err := str(raw)
	if err != nil {
		return fail("kind", "want a string, one of %s; got %s", kinds, typeOf(raw))
	}
	if p.Kind = jobs.Kind(s); !p.Kind.Valid() {
		return fail("kind", "%q is not one of %s", s, kinds)
	}

	if raw, ok := top["request"]; ok {
		if !reducto.IsObject(raw) {
			return fail("request", "want a JSON object of Reducto request fields; got %s", typeOf(raw))
		}
		p.Request = compact(raw)
		for _, k := range reducto.AppFields {
			if reducto.RawLookup(p.Request, k) != nil {
				return fail("request."+k, "set by the app itself; remove it")
			}
		}
	}
	switch p.Kind {
	case jobs.KindExtract:
		schema := reducto.RawLookup(p.Request, "instructions", "schema")
		if schema == nil {
			return fail("request.instructions.schema", "missing; an extract preset needs a JSON schema object here")
		}
		if !reducto.IsObject(schema) {
			return fail("request.instructions.schema", "want a JSON schema object; got %s", typeOf(schema))
		}
	case jobs.KindSplit:
		if field, msg := checkSplit(reducto.RawLookup(p.Request, "split_description")); msg != "" {
			return fail(field, "%s", msg)
		}
	}

	if raw, ok := top["webhook"]; ok {
		modes := "none, svix, direct"
		s, err := str(raw)
		if err != nil {
			return fail("webhook", "want a string, one of %s; got %s", modes, typeOf(raw))
		}
		if p.Webhook = jobs.WebhookMode(s); !p.Webhook.Valid() {
			return fail("webhook", "%q is not one of %s", s, modes)
		}
	}

	if raw, ok := top["channels"]; ok {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil || items == nil {
			return fail("channels", "want an array of Svix channel names; got %s", typeOf(raw))
		}
		for i, it := range items {
			s, err := str(it)
			if err != nil {
				return fail(fmt.Sprintf("channels[%d]", i), "want a string; got %s", typeOf(it))
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
		if !reducto.IsObject(raw) {
			return fail("metadata", "want a JSON object; got %s", typeOf(raw))
		}
		p.Metadata = compact(raw)
		if reducto.RawLookup(p.Metadata, refKey) != nil {
			return fail("metadata."+refKey, "the app's own client reference; use another key")
		}
	}

	if raw, ok := top["outputs"]; ok {
		rules := "beside, none"
		s, err := str(raw)
		if err != nil {
			return fail("outputs", "want a string, one of %s; got %s", rules, typeOf(raw))
		}
		if p.Outputs = jobs.OutputRule(s); p.Outputs != jobs.OutputsBeside && p.Outputs != jobs.OutputsNone {
			return fail("outputs", "%q is not one of %s", s, rules)
		}
	}

	if raw, ok := top["then"]; ok {
		s, err := str(raw)
		if err != nil {
			return fail("then", "want the name of an extract or split preset; got %s", typeOf(raw))
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

// checkSplit checks a split preset's request.split_description: a
// non-empty array of objects with a non-empty name and description. It
// returns the field and the problem, or "" when it is fine.
func checkSplit(raw json.RawMessage) (field, msg string) {
	const f = "request.split_description"
	if raw == nil {
		return f, `missing; a split preset needs a non-empty array of {"name", "description"} here`
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil || items == nil {
		return f, `want an array of {"name", "description"}; got ` + typeOf(raw)
	}
	if len(items) == 0 {
		return f, `empty; a split preset needs at least one {"name", "description"}`
	}
	for i, it := range items {
		for _, k := range []string{"name", "description"} {
			v := reducto.RawLookup(it, k)
			if s, err := str(v); v == nil || err != nil || strings.TrimSpace(s) == "" {
				return fmt.Sprintf("%s[%d].%s", f, i, k), "want a non-empty string"
			}
		}
	}
	return "", ""
}

// str decodes a JSON string; null and every other type are an error.
func str(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '"' {
		return "", errors.New("not a string")
	}
	var s string
	err := json.Unmarshal(t, &s)
	return s, err
}

// typeOf names a JSON value's type for a message.
func typeOf(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "true/false"
	case 'n':
		return "null"
	}
	return "a number"
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
