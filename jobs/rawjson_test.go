package jobs

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestRawLookup(t *testing.T) {
	raw := json.RawMessage(`{"instructions":{"schema":{"type":"object"}},"x":1}`)
	if got := string(RawLookup(raw, "instructions", "schema")); got != `{"type":"object"}` {
		t.Errorf("RawLookup = %s", got)
	}
	if RawLookup(raw, "x", "y") != nil || RawLookup(raw, "nope") != nil || RawLookup(nil, "x") != nil {
		t.Error("RawLookup found a missing path")
	}
}

func TestCheckRawRequestNamesTheField(t *testing.T) {
	for raw, field := range map[string]string{
		`{"input":"https://elsewhere/x.pdf"}`: "request.input",
		`{"async":{"metadata":{}}}`:           "request.async",
		`[1,2]`:                               "request",
		`"x"`:                                 "request",
	} {
		err := CheckRawRequest(json.RawMessage(raw), []string{"input", "async"})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("CheckRawRequest(%s) = %v, want a FieldError on %s", raw, err, field)
		}
	}
	if err := CheckRawRequest(json.RawMessage(`{"settings":{}}`), []string{"input"}); err != nil {
		t.Errorf("ordinary fields refused: %v", err)
	}
}
