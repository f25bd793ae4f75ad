package jobs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// RawLookup returns the value at path inside the JSON object raw (each
// step a key of a nested object), or nil when any step is missing or not
// an object.
func RawLookup(raw json.RawMessage, path ...string) json.RawMessage {
	cur := raw
	for _, k := range path {
		var m map[string]json.RawMessage
		if json.Unmarshal(cur, &m) != nil || m == nil {
			return nil
		}
		v, ok := m[k]
		if !ok {
			return nil
		}
		cur = v
	}
	return cur
}

// IsObject reports whether raw is a JSON object (by its first byte).
func IsObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

// JSONType names the JSON type of raw for error messages: "a string",
// "an array", "null"...
func JSONType(raw json.RawMessage) string {
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

// JSONString decodes a JSON string; null and every other type are an error.
func JSONString(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '"' {
		return "", errors.New("not a string")
	}
	var s string
	err := json.Unmarshal(t, &s)
	return s, err
}

// CheckRawRequest checks a submission's raw request fields: nothing, or a
// JSON object that sets none of appFields, the fields the app sets itself
// for the kind (KindSpec.AppFields). The client checks again before it
// merges them into a request body.
func CheckRawRequest(raw json.RawMessage, appFields []string) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return fieldErr("request", "want a JSON object of Reducto request fields; got %s", JSONType(raw))
	}
	for _, k := range appFields {
		if _, ok := m[k]; ok {
			return fieldErr("request."+k, "set by the app itself; remove it")
		}
	}
	return nil
}

// nonEmptyObjects checks that raw is an array whose every element is an
// object with non-empty string values at keys; field names the array.
func nonEmptyObjects(field string, raw json.RawMessage, keys ...string) error {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil || items == nil {
		return fieldErr(field, "want an array of {%s}; got %s", quoteList(keys), JSONType(raw))
	}
	if len(items) == 0 {
		return fieldErr(field, "empty; it needs at least one {%s}", quoteList(keys))
	}
	for i, it := range items {
		for _, k := range keys {
			v := RawLookup(it, k)
			if s, err := JSONString(v); v == nil || err != nil || strings.TrimSpace(s) == "" {
				return fieldErr(fmt.Sprintf("%s[%d].%s", field, i, k), "want a non-empty string")
			}
		}
	}
	return nil
}

func quoteList(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = `"` + k + `"`
	}
	return strings.Join(q, ", ")
}
