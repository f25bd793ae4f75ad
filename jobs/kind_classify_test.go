package jobs

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

// TestClassifyChecks: a classify needs a well-formed classification_schema,
// from the form or the raw request, and routes only name its categories;
// every refusal names the preset field.
func TestClassifyChecks(t *testing.T) {
	form := ClassifyOptions{Categories: []ClassifyCategory{{Category: "invoice", Criteria: []string{"total due"}}, {Category: "other", Criteria: []string{}}}}
	req := func(s string) json.RawMessage { return json.RawMessage(s) }
	cases := []struct {
		name  string
		o     Options
		field string // "" = valid
	}{
		{"nothing", Options{Kind: KindClassify}, "request.classification_schema"},
		{"form", Options{Kind: KindClassify, Classify: form}, ""},
		{"raw", Options{Kind: KindClassify, Request: req(`{"classification_schema":[{"category":"a","criteria":["x"]}]}`)}, ""},
		{"not an array", Options{Kind: KindClassify, Request: req(`{"classification_schema":{"category":"a"}}`)}, "request.classification_schema"},
		{"empty", Options{Kind: KindClassify, Request: req(`{"classification_schema":[]}`)}, "request.classification_schema"},
		{"no name", Options{Kind: KindClassify, Request: req(`{"classification_schema":[{"category":" ","criteria":[]}]}`)}, "request.classification_schema[0].category"},
		{"twice", Options{Kind: KindClassify, Request: req(`{"classification_schema":[{"category":"a","criteria":[]},{"category":"a","criteria":[]}]}`)}, "request.classification_schema[1].category"},
		{"no criteria", Options{Kind: KindClassify, Request: req(`{"classification_schema":[{"category":"a"}]}`)}, "request.classification_schema[0].criteria"},
		{"criteria not strings", Options{Kind: KindClassify, Request: req(`{"classification_schema":[{"category":"a","criteria":["x",3]}]}`)}, "request.classification_schema[0].criteria[1]"},
		{"input is the app's", Options{Kind: KindClassify, Classify: form, Request: req(`{"input":"x"}`)}, "request.input"},
		{"route", Options{Kind: KindClassify, Classify: form, Routes: map[string]string{"invoice": "invoices"}}, ""},
		{"route to no category", Options{Kind: KindClassify, Classify: form, Routes: map[string]string{"letter": "x"}}, "routes.letter"},
		{"route to no preset", Options{Kind: KindClassify, Classify: form, Routes: map[string]string{"invoice": ""}}, "routes.invoice"},
		{"routes on a parse", Options{Kind: KindParse, Routes: map[string]string{"invoice": "x"}}, "routes"},
		{"then on a classify", Options{Kind: KindClassify, Classify: form, Then: "x"}, "then"},
	}
	for _, c := range cases {
		err := c.o.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v, want valid", c.name, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: %v, want a problem with %s", c.name, err, c.field)
		}
	}
}

func TestClassifyCategories(t *testing.T) {
	o := Options{Kind: KindClassify, Classify: ClassifyOptions{Categories: []ClassifyCategory{{Category: "a"}, {Category: "b"}}}}
	if got := o.ClassifyCategories(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("form categories = %v", got)
	}
	o.Request = json.RawMessage(`{"classification_schema":[{"category":"z","criteria":[]}]}`)
	if got := o.ClassifyCategories(); !slices.Equal(got, []string{"z"}) {
		t.Errorf("the raw request wins: %v", got)
	}
	if !SourceRoute.Valid() {
		t.Error("route is a source")
	}
}
