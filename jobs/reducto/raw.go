package reducto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// AppFields are the top-level request fields the client sets itself: the
// uploaded document and the async object (client reference, webhook,
// priority). Raw fields may not set them.
var AppFields = []string{"input", "async"}

// CheckRawFields reports whether raw can be merged into a submission: a
// JSON object (or nothing) that does not set a field the app sets itself.
// The error names the offending field.
func CheckRawFields(raw json.RawMessage) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return errors.New("request fields must be a JSON object")
	}
	for _, k := range AppFields {
		if _, ok := m[k]; ok {
			return fmt.Errorf("request field %q is set by the app; remove it", k)
		}
	}
	return nil
}

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

// mergeRaw deep-merges the JSON object raw into the encoded request body:
// objects present on both sides are merged key by key, and anything else
// in raw replaces the body's value, so a raw field wins over the typed
// one. The fields the app sets (AppFields) are refused, never overwritten.
func mergeRaw(body []byte, raw json.RawMessage) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return body, nil
	}
	if err := CheckRawFields(raw); err != nil {
		return nil, err
	}
	return MergeObjects(body, raw)
}

// MergeObjects deep-merges the JSON object over onto the object base: keys
// of over win, objects under the same key are merged the same way. It is
// the one merge of request fields, for the client and for presets.
func MergeObjects(base, over []byte) ([]byte, error) {
	var b, o map[string]json.RawMessage
	if err := json.Unmarshal(base, &b); err != nil {
		return nil, fmt.Errorf("merge request fields: %w", err)
	}
	if err := json.Unmarshal(over, &o); err != nil {
		return nil, fmt.Errorf("merge request fields: %w", err)
	}
	if b == nil {
		b = map[string]json.RawMessage{}
	}
	for k, v := range o {
		if old, ok := b[k]; ok && IsObject(old) && IsObject(v) {
			merged, err := MergeObjects(old, v)
			if err != nil {
				return nil, err
			}
			b[k] = merged
			continue
		}
		b[k] = v
	}
	return json.Marshal(b)
}

// IsObject reports whether raw is a JSON object (by its first byte).
func IsObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

// The submissions marshal their typed fields, then merge RawFields over
// them (the alias types stop MarshalJSON from calling itself).

type (
	plainParse   ParseRequest
	plainExtract ExtractRequest
	plainSplit   SplitRequest
)

// MarshalJSON encodes the request with its RawFields merged in.
func (r ParseRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plainParse(r))
	if err != nil {
		return nil, err
	}
	return mergeRaw(b, r.RawFields)
}

// MarshalJSON encodes the request with its RawFields merged in.
func (r ExtractRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plainExtract(r))
	if err != nil {
		return nil, err
	}
	return mergeRaw(b, r.RawFields)
}

// MarshalJSON encodes the request with its RawFields merged in.
func (r SplitRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plainSplit(r))
	if err != nil {
		return nil, err
	}
	return mergeRaw(b, r.RawFields)
}
