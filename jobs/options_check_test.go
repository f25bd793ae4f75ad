package jobs

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestValidateNamesTheField: every rule of every kind answers with the
// preset field it is about, the same for the form's options and a preset's
// raw request.
func TestValidateNamesTheField(t *testing.T) {
	schema := json.RawMessage(`{"type":"object","properties":{"total":{"type":"number"}}}`)
	cases := []struct {
		o     Options
		field string // "" = valid
	}{
		{Options{}, ""},
		{Options{Kind: "ocr"}, "kind"},
		{Options{Webhook: "email"}, "webhook"},
		{Options{Webhook: WebhookNone, Channels: []string{"a"}}, "channels"},
		{Options{Metadata: json.RawMessage(`[1]`)}, "metadata"},
		{Options{Request: json.RawMessage(`{"input":"x"}`)}, "request.input"},
		{Options{Outputs: "nowhere"}, "outputs"},
		{Options{Kind: KindSplit, Then: "x", Split: SplitOptions{Descriptions: []SplitDescription{{Name: "a"}}}}, "then"},
		{Options{Parse: ParseOptions{PageStart: 5, PageEnd: 2}}, "request.settings.page_range"},
		{Options{Kind: KindExtract}, "request.instructions.schema"},
		{Options{Kind: KindExtract, Extract: ExtractOptions{Schema: schema}}, ""},
		{Options{Kind: KindExtract, Extract: ExtractOptions{Schema: json.RawMessage(`{"type":"thing"}`)}}, "schema"},
		{Options{Kind: KindExtract, Request: json.RawMessage(`{"instructions":{"schema":{"properties":[]}}}`)}, "request.instructions.schema"},
		{Options{Kind: KindSplit}, "request.split_description"},
		{Options{Kind: KindSplit, Request: json.RawMessage(`{"split_description":[{"name":"a"}]}`)}, "request.split_description[0].description"},
		{Options{Kind: KindSplit, Split: SplitOptions{Descriptions: []SplitDescription{{Description: "b"}}}}, "split"},
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
}

func TestKindsAreListedInOrder(t *testing.T) {
	if got := KindNames(","); !strings.HasPrefix(got, "parse, extract, split") {
		t.Errorf("KindNames = %q", got)
	}
	for _, k := range Kinds() {
		if !k.Kind.Valid() || len(k.Outputs) == 0 || k.Label == "" {
			t.Errorf("kind %+v is not fully described", k)
		}
	}
	if Kind("ocr").Valid() {
		t.Error("an unregistered kind is valid")
	}
}
