package presets_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/presets"
)

// TestClassifyPresetRoundTrip: the form's categories become
// classification_schema and the routes are kept (FromOptions); a preset
// read back fills the same form (ToForm); Apply carries the routes to
// the options a document is submitted with.
func TestClassifyPresetRoundTrip(t *testing.T) {
	s := newStore(t)
	write(t, s, "invoices", `{"kind":"extract","request":{"instructions":{"schema":{"type":"object","properties":{"total":{"type":"number"}}}}}}`)
	form := jobs.Options{Kind: jobs.KindClassify, Outputs: jobs.OutputsBeside,
		Classify: jobs.ClassifyOptions{Categories: []jobs.ClassifyCategory{{Category: "invoice", Criteria: []string{"invoice", "amount due"}}, {Category: "other", Criteria: []string{}}}},
		Routes:   map[string]string{"invoice": "invoices"}}
	p := presets.FromOptions("sort", form)
	if got := string(p.Request); got != `{"classification_schema":[{"category":"invoice","criteria":["invoice","amount due"]},{"category":"other","criteria":[]}]}` {
		t.Fatalf("request %s", got)
	}
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	back, err := s.Get("sort")
	if err != nil {
		t.Fatal(err)
	}
	o := presets.ToForm(back.Apply(jobs.Options{}, true))
	if !reflect.DeepEqual(o.Classify, form.Classify) || !reflect.DeepEqual(o.Routes, form.Routes) || len(o.Request) != 0 || o.Preset != "sort" {
		t.Fatalf("form from the preset = %+v", o)
	}
	// Criteria with a comma cannot be one of the form's comma-separated
	// rows: they stay in the raw request.
	raw := jobs.Options{Kind: jobs.KindClassify, Request: json.RawMessage(`{"classification_schema":[{"category":"a","criteria":["x, y"]}]}`)}
	if o := presets.ToForm(raw); len(o.Classify.Categories) != 0 || !strings.Contains(string(o.Request), "x, y") {
		t.Fatalf("a comma in a criterion lifted into the form: %+v", o)
	}
}

// TestRouteTargetsStayConsistent: a preset a route leads to cannot be
// deleted nor become a classify preset.
func TestRouteTargetsStayConsistent(t *testing.T) {
	s := newStore(t)
	write(t, s, "invoices", `{"kind":"parse"}`)
	write(t, s, "sort", mailPreset(`{"invoice":"invoices"}`))
	if _, err := s.Get("sort"); err != nil {
		t.Fatal(err)
	}
	err := s.Delete("invoices")
	if err == nil || !strings.Contains(err.Error(), `preset "sort" routes documents to it`) {
		t.Fatalf("Delete of a route target: %v", err)
	}
	err = s.Save(presets.Preset{Name: "invoices", Kind: jobs.KindClassify, Request: json.RawMessage(`{"classification_schema":[{"category":"a","criteria":[]}]}`)})
	if err == nil || !strings.Contains(err.Error(), `field "kind": preset "sort" routes documents to this one`) {
		t.Fatalf("Save turning a route target into a classify: %v", err)
	}
	valid, errs := s.List()
	if len(valid) != 2 || len(errs) != 0 {
		t.Fatalf("List = %v, %v", valid, errs)
	}
}
