package reducto

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
)

// v3AppFields are the top-level request fields the client sets itself in
// the V3 requests (parse, extract, split): the document and the async
// object (client reference, webhook, priority). Raw fields may not set
// them.
var v3AppFields = []string{"input", "async"}

// mergeRaw deep-merges the JSON object raw into the encoded request body:
// objects present on both sides are merged key by key, and anything else
// in raw replaces the body's value, so a raw field wins over the typed
// one. The fields the app sets (appFields) are refused, never overwritten.
func mergeRaw(body []byte, raw json.RawMessage, appFields []string) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return body, nil
	}
	if err := jobs.CheckRawRequest(raw, appFields); err != nil {
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
		if old, ok := b[k]; ok && jobs.IsObject(old) && jobs.IsObject(v) {
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
	return mergeRaw(b, r.RawFields, v3AppFields)
}

// MarshalJSON encodes the request with its RawFields merged in.
func (r ExtractRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plainExtract(r))
	if err != nil {
		return nil, err
	}
	return mergeRaw(b, r.RawFields, v3AppFields)
}

// MarshalJSON encodes the request with its RawFields merged in.
func (r SplitRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plainSplit(r))
	if err != nil {
		return nil, err
	}
	return mergeRaw(b, r.RawFields, v3AppFields)
}
