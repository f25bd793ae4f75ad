package presets_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/presets"
)

// mailPreset is a classify preset file sorting invoices from the rest,
// with routes.
func mailPreset(routes string) string {
	return `{"kind":"classify","request":{"classification_schema":[{"category":"invoice","criteria":["invoice"]},{"category":"other","criteria":[]}]},"routes":` + routes + `}`
}

// write puts a preset file with content into the store's folder.
func write(t *testing.T, s *presets.Store, name, content string) {
	t.Helper()
	if err := os.MkdirAll(s.Dir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path(name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func newStore(t *testing.T) *presets.Store {
	return presets.Open(filepath.Join(t.TempDir(), "presets"))
}

// Every message names the file and (where there is one) the field, in one
// line, and says what is allowed.
func TestEveryBadFileSaysWhichFileAndField(t *testing.T) {
	cases := []struct{ content, want string }{
		{`{"kind":"parsee"}`, `presets/p.json: field "kind": "parsee" is not one of {kinds}`},
		{`{}`, `presets/p.json: field "kind": missing; it is required: one of {kinds}`},
		{`{"kind":7}`, `presets/p.json: field "kind": want a string, one of {kinds}; got a number`},
		{`{"kind":null}`, `presets/p.json: field "kind": want a string, one of {kinds}; got null`},
		{`{"kind":"parse","outputs":"beside","colour":"red"}`, `presets/p.json: field "colour": unknown field; a preset has kind, request, webhook, channels, metadata, outputs, then, routes`},
		{"{\n  \"kind\": \"parse\",\n}", `presets/p.json: not valid JSON at line 3, column 1: invalid character '}' looking for beginning of object key string`},
		{``, `presets/p.json: the file is empty; it must hold a JSON object with at least "kind"`},
		{`[1]`, `presets/p.json: must hold a JSON object, not an array`},
		{`null`, `presets/p.json: must hold a JSON object, not null`},
		{`{"kind":"parse","request":[]}`, `presets/p.json: field "request": want a JSON object of Reducto request fields; got an array`},
		{`{"kind":"parse","request":{"input":"https://x/y.pdf"}}`, `presets/p.json: field "request.input": set by the app itself; remove it`},
		{`{"kind":"parse","request":{"async":{"priority":true}}}`, `presets/p.json: field "request.async": set by the app itself; remove it`},
		{`{"kind":"extract"}`, `presets/p.json: field "request.instructions.schema": missing; an extract needs a JSON schema object here`},
		{`{"kind":"extract","request":{"instructions":{"schema":"total"}}}`, `presets/p.json: field "request.instructions.schema": want a JSON schema object; got a string`},
		{`{"kind":"split","request":{}}`, `presets/p.json: field "request.split_description": missing; a split needs a non-empty array of {"name", "description"} here`},
		{`{"kind":"split","request":{"split_description":{}}}`, `presets/p.json: field "request.split_description": want an array of {"name", "description"}; got an object`},
		{`{"kind":"split","request":{"split_description":[]}}`, `presets/p.json: field "request.split_description": empty; it needs at least one {"name", "description"}`},
		{`{"kind":"split","request":{"split_description":[{"name":"a","description":"b"},{"name":"c"}]}}`, `presets/p.json: field "request.split_description[1].description": want a non-empty string`},
		{`{"kind":"parse","webhook":"svx"}`, `presets/p.json: field "webhook": "svx" is not one of none, svix, direct`},
		{`{"kind":"parse","webhook":true}`, `presets/p.json: field "webhook": want a string, one of none, svix, direct; got true/false`},
		{`{"kind":"parse","channels":"prod"}`, `presets/p.json: field "channels": want an array of Svix channel names; got a string`},
		{`{"kind":"parse","channels":["prod",3]}`, `presets/p.json: field "channels[1]": want a string; got a number`},
		{`{"kind":"parse","channels":[" "]}`, `presets/p.json: field "channels[0]": empty channel name`},
		{`{"kind":"parse","webhook":"direct","channels":["prod"]}`, `presets/p.json: field "channels": channels are Svix channels, but "webhook" is "direct"`},
		{`{"kind":"parse","metadata":"acme"}`, `presets/p.json: field "metadata": want a JSON object; got a string`},
		{`{"kind":"parse","metadata":{"reducto_tray_ref":"x"}}`, `presets/p.json: field "metadata.reducto_tray_ref": the app's own client reference; use another key`},
		{`{"kind":"parse","outputs":"next-to"}`, `presets/p.json: field "outputs": "next-to" is not one of beside, none`},
		{`{"kind":"parse","outputs":1}`, `presets/p.json: field "outputs": want a string, one of beside, none; got a number`},
		{`{"kind":"parse","then":["x"]}`, `presets/p.json: field "then": want the name of an extract or split preset; got an array`},
		{`{"kind":"parse","then":"a/x"}`, `presets/p.json: field "then": preset name "a/x": '/' is not allowed; use letters, digits, spaces and - _ . ( ) + ,`},
		{`{"kind":"extract","request":{"instructions":{"schema":{"type":"object"}}},"then":"x"}`, `presets/p.json: field "then": only a parse preset can run another preset on its result; this one is extract`},
		{`{"kind":"parse","then":"nope"}`, `presets/p.json: field "then": no preset "nope" (presets/nope.json does not exist)`},
		{`{"kind":"parse","then":"other"}`, `presets/p.json: field "then": preset "other" is a parse preset; "then" names an extract or split preset`},
		{`{"kind":"parse","then":"broken"}`, `presets/p.json: field "then": preset "broken" is not valid: presets/broken.json: field "kind": "x" is not one of {kinds}`},
		{`{"kind":"classify"}`, `presets/p.json: field "request.classification_schema": missing; a classify needs a non-empty array of {"category", "criteria"} here`},
		{`{"kind":"classify","request":{"classification_schema":[{"category":"a"}]}}`, `presets/p.json: field "request.classification_schema[0].criteria": want an array of strings; got nothing`},
		{`{"kind":"parse","routes":{"invoice":"other"}}`, `presets/p.json: field "routes": only a classify preset routes documents by their category; this one is parse`},
		{mailPreset(`[]`), `presets/p.json: field "routes": want an object mapping a category to a preset's name; got an array`},
		{mailPreset(`{"invoice":3}`), `presets/p.json: field "routes.invoice": want the name of a preset; got a number`},
		{mailPreset(`{"letter":"other"}`), `presets/p.json: field "routes.letter": "letter" is not one of the categories in request.classification_schema`},
		{mailPreset(`{"invoice":"nope"}`), `presets/p.json: field "routes.invoice": no preset "nope" (presets/nope.json does not exist)`},
		{mailPreset(`{"invoice":"broken"}`), `presets/p.json: field "routes.invoice": preset "broken" is not valid: presets/broken.json: field "kind": "x" is not one of {kinds}`},
		{mailPreset(`{"invoice":"p"}`), `presets/p.json: field "routes.invoice": preset "p" is a classify preset; a route must run another kind, so routes cannot loop`},
	}
	for _, c := range cases {
		c.want = strings.ReplaceAll(c.want, "{kinds}", jobs.KindNames(","))
		s := newStore(t)
		write(t, s, "other", `{"kind":"parse"}`)
		write(t, s, "broken", `{"kind":"x"}`)
		write(t, s, "p", c.content)
		_, err := s.Get("p")
		if err == nil {
			t.Errorf("%s: accepted", c.content)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.content, err, c.want)
		}
		var pe *presets.Error
		if !errors.As(err, &pe) || pe.File != "presets/p.json" {
			t.Errorf("%s: %T %+v is not an *Error for presets/p.json", c.content, err, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: the message is more than one line", c.content)
		}
		// List reports the same problem for the file and keeps the others.
		valid, errs := s.List()
		found := false
		for _, e := range errs {
			found = found || e.Error() == c.want
		}
		if !found {
			t.Errorf("%s: List errors %v lack %q", c.content, errs, c.want)
		}
		if len(valid) != 1 || valid[0].Name != "other" {
			t.Errorf("%s: List valid = %+v; want only other", c.content, valid)
		}
	}
}

func TestUnknownPresetNamesTheFileAndWhatThereIs(t *testing.T) {
	s := newStore(t)
	_, err := s.Get("invoices")
	if !errors.Is(err, presets.ErrNotFound) || !strings.HasPrefix(err.Error(), "presets/invoices.json: no such preset (there are none yet in ") {
		t.Fatalf("Get on an empty store: %v", err)
	}
	write(t, s, "receipts", `{"kind":"parse"}`)
	write(t, s, "bank", `{"kind":"parse"}`)
	_, err = s.Get("invoices")
	if !errors.Is(err, presets.ErrNotFound) || !strings.HasSuffix(err.Error(), " has: bank, receipts)") {
		t.Fatalf("Get of a missing preset: %v", err)
	}
}

func TestNames(t *testing.T) {
	for _, ok := range []string{"invoices", "Rechnungen 2026", "a-b_c.d (v2)+x,y", "日本語"} {
		if err := presets.CheckName(ok); err != nil {
			t.Errorf("CheckName(%q) = %v", ok, err)
		}
	}
	bad := map[string]string{
		"":                       "preset name is empty",
		"a/b":                    `preset name "a/b": '/' is not allowed; use letters, digits, spaces and - _ . ( ) + ,`,
		`a\b`:                    `preset name "a\\b": '\\' is not allowed; use letters, digits, spaces and - _ . ( ) + ,`,
		"..":                     `preset name "..": must not start with a dot or a space`,
		".hidden":                `preset name ".hidden": must not start with a dot or a space`,
		"x.":                     `preset name "x.": must not end with a dot or a space`,
		"con":                    `preset name "con": is a device name on Windows`,
		"a:b":                    `preset name "a:b": ':' is not allowed; use letters, digits, spaces and - _ . ( ) + ,`,
		"tab\there":              `preset name "tab\there": '\t' is not allowed; use letters, digits, spaces and - _ . ( ) + ,`,
		strings.Repeat("x", 101): `preset name "` + strings.Repeat("x", 101) + `": longer than 100 characters`,
	}
	for name, want := range bad {
		err := presets.CheckName(name)
		if err == nil || err.Error() != want {
			t.Errorf("CheckName(%q) = %v; want %s", name, err, want)
		}
	}
	s := newStore(t)
	if _, err := s.Get("../settings"); err == nil || !strings.HasPrefix(err.Error(), `presets/../settings.json: preset name "../settings": must not start with a dot`) {
		t.Errorf("Get outside the folder: %v", err)
	}
}
