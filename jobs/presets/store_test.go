package presets_test

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/presets"
)

func TestSaveThenGetGivesTheSamePreset(t *testing.T) {
	s := newStore(t)
	fields := presets.Preset{Name: "fields", Kind: jobs.KindExtract,
		Request: json.RawMessage(`{"instructions":{"schema":{"type":"object","properties":{"total":{"type":"number"}}}},"settings":{"citations":{"enabled":true}}}`)}
	all := presets.Preset{
		Name: "Rechnungen (eingang)", Kind: jobs.KindParse,
		Request:  json.RawMessage(`{"formatting":{"table_output_format":"html"},"settings":{"queue_priority":"low","page_range":{"start":1,"end":1e3}}}`),
		Webhook:  jobs.WebhookSvix,
		Channels: []string{"prod", "billing"},
		Metadata: json.RawMessage(`{"team":"ap","n":1.50}`),
		Outputs:  jobs.OutputsBeside,
		Then:     "fields",
	}
	for _, p := range []presets.Preset{fields, all, {Name: "bare", Kind: jobs.KindParse}} {
		if err := s.Save(p); err != nil {
			t.Fatalf("Save(%s): %v", p.Name, err)
		}
		got, err := s.Get(p.Name)
		if err != nil {
			t.Fatalf("Get(%s): %v", p.Name, err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("round trip of %s:\n got  %+v\n want %+v", p.Name, got, p)
		}
		info, err := os.Stat(s.Path(p.Name))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", p.Name, info.Mode().Perm(), err)
		}
	}
	// Indented JSON in, compact JSON out: the same values.
	ind := presets.Preset{Name: "ind", Kind: jobs.KindParse, Request: json.RawMessage("{\n  \"settings\": { \"ocr_system\": \"standard\" }\n}")}
	if err := s.Save(ind); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get("ind"); string(got.Request) != `{"settings":{"ocr_system":"standard"}}` {
		t.Errorf("indented request read back as %s", got.Request)
	}
	// The file is the contract's format, readable by people.
	data, _ := os.ReadFile(s.Path("Rechnungen (eingang)"))
	if !strings.Contains(string(data), "\n  \"kind\": \"parse\",\n") || !strings.Contains(string(data), `"then": "fields"`) {
		t.Errorf("file content:\n%s", data)
	}
	if info, err := os.Stat(s.Dir()); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("presets folder mode %v, %v; want 0700", info.Mode().Perm(), err)
	}
	// No temporary file is left beside them.
	entries, _ := os.ReadDir(s.Dir())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	valid, errs := s.List()
	var names []string
	for _, p := range valid {
		names = append(names, p.Name)
	}
	if len(errs) != 0 || strings.Join(names, ",") != "Rechnungen (eingang),bare,fields,ind" {
		t.Errorf("List = %v, %v", names, errs)
	}
}

func TestSaveRefusesWhatGetWouldRefuse(t *testing.T) {
	s := newStore(t)
	cases := []struct {
		p    presets.Preset
		want string
	}{
		{presets.Preset{Name: "a/b", Kind: jobs.KindParse}, `presets/a/b.json: preset name "a/b": '/' is not allowed; use letters, digits, spaces and - _ . ( ) + ,`},
		{presets.Preset{Name: "k"}, `presets/k.json: field "kind": "" is not one of {kinds}`},
		{presets.Preset{Name: "k", Kind: "ocr"}, `presets/k.json: field "kind": "ocr" is not one of {kinds}`},
		{presets.Preset{Name: "r", Kind: jobs.KindParse, Request: json.RawMessage(`{"settings":`)}, `presets/r.json: field "request": not valid JSON`},
		{presets.Preset{Name: "r", Kind: jobs.KindParse, Request: json.RawMessage(`{"input":"x"}`)}, `presets/r.json: field "request.input": set by the app itself; remove it`},
		{presets.Preset{Name: "m", Kind: jobs.KindParse, Metadata: json.RawMessage(`[]`)}, `presets/m.json: field "metadata": want a JSON object; got an array`},
		{presets.Preset{Name: "o", Kind: jobs.KindParse, Outputs: "desktop"}, `presets/o.json: field "outputs": "desktop" is not one of beside, none`},
		{presets.Preset{Name: "t", Kind: jobs.KindParse, Then: "missing"}, `presets/t.json: field "then": no preset "missing" (presets/missing.json does not exist)`},
		{presets.Preset{Name: "x", Kind: jobs.KindExtract}, `presets/x.json: field "request.instructions.schema": missing; an extract needs a JSON schema object here`},
	}
	for _, c := range cases {
		c.want = strings.ReplaceAll(c.want, "{kinds}", jobs.KindNames(","))
		err := s.Save(c.p)
		if err == nil || err.Error() != c.want {
			t.Errorf("Save(%+v):\n got  %v\n want %s", c.p, err, c.want)
		}
	}
	if _, err := os.Stat(s.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused presets made the folder or files: %v", err)
	}
}

func TestChainedPresetsStayConsistent(t *testing.T) {
	s := newStore(t)
	split := presets.Preset{Name: "sections", Kind: jobs.KindSplit,
		Request: json.RawMessage(`{"split_description":[{"name":"invoice","description":"one invoice"}]}`)}
	if err := s.Save(split); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(presets.Preset{Name: "inbox", Kind: jobs.KindParse, Then: "sections"}); err != nil {
		t.Fatal(err)
	}
	err := s.Save(presets.Preset{Name: "sections", Kind: jobs.KindParse})
	if err == nil || err.Error() != `presets/sections.json: field "kind": preset "inbox" runs this one (its "then"), so it must stay extract or split` {
		t.Errorf("turning a chained preset into a parse: %v", err)
	}
	err = s.Delete("sections")
	if err == nil || err.Error() != `presets/sections.json: preset "inbox" runs it (its "then"); change that one first` {
		t.Errorf("deleting a chained preset: %v", err)
	}
	if err := s.Delete("inbox"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("sections"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("sections"); !errors.Is(err, presets.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if err := s.Delete("sections"); !errors.Is(err, presets.ErrNotFound) || !strings.HasPrefix(err.Error(), "presets/sections.json: no such preset") {
		t.Errorf("Delete twice: %v", err)
	}
}

func TestApplyResolvesOptions(t *testing.T) {
	base := jobs.Options{Kind: jobs.KindExtract, Webhook: jobs.WebhookSvix, Channels: []string{"all"}, Priority: true,
		Metadata: json.RawMessage(`{"team":"ops","site":"b"}`), Source: jobs.SourceCLI,
		Parse: jobs.ParseOptions{PageStart: 2}, Extract: jobs.ExtractOptions{Schema: json.RawMessage(`{"type":"object"}`)}}
	p := presets.Preset{Name: "inv", Kind: jobs.KindParse, Request: json.RawMessage(`{"settings":{"queue_priority":"low"}}`),
		Metadata: json.RawMessage(`{"team":"ap"}`), Then: "fields"}
	o := p.Apply(base, false)
	want := jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookSvix, Channels: []string{"all"}, Priority: true,
		Metadata: json.RawMessage(`{"site":"b","team":"ap"}`), Source: jobs.SourceCLI,
		Request: p.Request, Outputs: jobs.OutputsNone, Then: "fields", Preset: "inv"}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("Apply:\n got  %+v\n want %+v", o, want)
	}
	if o := p.Apply(base, true); o.Outputs != jobs.OutputsBeside {
		t.Errorf("watched: outputs %q; want beside", o.Outputs)
	}
	p.Outputs, p.Webhook, p.Channels = jobs.OutputsNone, jobs.WebhookDirect, nil
	if o := p.Apply(base, true); o.Outputs != jobs.OutputsNone || o.Webhook != jobs.WebhookDirect {
		t.Errorf("the preset's own outputs and webhook: %+v", o)
	}
}

func TestFromOptionsKeepsTheFormInTheAPIsNames(t *testing.T) {
	s := newStore(t)
	o := jobs.Options{Kind: jobs.KindExtract, Webhook: jobs.WebhookSvix, Channels: []string{"prod"},
		Metadata: json.RawMessage(`{"team": "ap"}`), Outputs: jobs.OutputsBeside,
		Parse:   jobs.ParseOptions{TableFormat: "md", ChunkMode: "page", PageStart: 1, PageEnd: 9},
		Extract: jobs.ExtractOptions{Schema: json.RawMessage(`{"type": "object"}`), SystemPrompt: "totals only"},
		Request: json.RawMessage(`{"parsing":{"formatting":{"table_output_format":"html"}},"settings":{"citations":{"enabled":true}}}`)}
	p := presets.FromOptions("form", o)
	wantReq := `{"instructions":{"schema":{"type":"object"},"system_prompt":"totals only"},` +
		`"parsing":{"formatting":{"table_output_format":"html"},"retrieval":{"chunking":{"chunk_mode":"page"}},"settings":{"page_range":{"end":9,"start":1}}},` +
		`"settings":{"citations":{"enabled":true}}}`
	if string(p.Request) != wantReq {
		t.Errorf("request\n got  %s\n want %s", p.Request, wantReq)
	}
	if p.Name != "form" || p.Kind != jobs.KindExtract || p.Webhook != jobs.WebhookSvix || p.Outputs != jobs.OutputsBeside ||
		string(p.Metadata) != `{"team":"ap"}` || !reflect.DeepEqual(p.Channels, []string{"prod"}) {
		t.Errorf("FromOptions = %+v", p)
	}
	if err := s.Save(p); err != nil {
		t.Fatalf("a preset saved from the form is refused: %v", err)
	}
	split := presets.FromOptions("split", jobs.Options{Kind: jobs.KindSplit, Parse: jobs.ParseOptions{TableFormat: "md"},
		Split: jobs.SplitOptions{Rules: "one per page", Descriptions: []jobs.SplitDescription{{Name: "a", Description: "b"}}}})
	if want := `{"parsing":{"formatting":{"table_output_format":"md"}},"split_description":[{"name":"a","description":"b"}],"split_rules":"one per page"}`; string(split.Request) != want {
		t.Errorf("split request %s", split.Request)
	}
	parse := presets.FromOptions("p", jobs.Options{Parse: jobs.ParseOptions{PageEnd: 3}})
	if parse.Kind != jobs.KindParse || string(parse.Request) != `{"settings":{"page_range":{"end":3}}}` {
		t.Errorf("parse preset %+v (%s)", parse, parse.Request)
	}
	if empty := presets.FromOptions("e", jobs.Options{Kind: jobs.KindParse}); empty.Request != nil {
		t.Errorf("no form fields: request %s; want none", empty.Request)
	}
}

func TestTheReservedMetadataKeyIsTheEngines(t *testing.T) {
	s := newStore(t)
	write(t, s, "m", `{"kind":"parse","metadata":{"`+engine.RefKey+`":"x"}}`)
	if _, err := s.Get("m"); err == nil {
		t.Fatalf("a preset may set %s, the engine's client reference", engine.RefKey)
	}
}
