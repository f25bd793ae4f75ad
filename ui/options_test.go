package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestFormInputToOptions(t *testing.T) {
	base := formInput{Kind: jobs.KindParse, Webhook: jobs.WebhookNone}
	cases := []struct {
		name    string
		edit    func(*formInput)
		wantErr string
		check   func(t *testing.T, o jobs.Options)
	}{
		{name: "parse defaults", edit: func(*formInput) {}},
		{name: "metadata object", edit: func(in *formInput) { in.Metadata = "{\n \"a\": 1\n}" },
			check: func(t *testing.T, o jobs.Options) {
				if string(o.Metadata) != `{"a":1}` {
					t.Fatalf("metadata = %s", o.Metadata)
				}
			}},
		{name: "metadata broken", edit: func(in *formInput) { in.Metadata = "{\n \"a\": }" }, wantErr: "line 2"},
		{name: "metadata array", edit: func(in *formInput) { in.Metadata = "[1]" }, wantErr: "JSON object"},
		{name: "svix channels", edit: func(in *formInput) { in.Webhook, in.Channels = jobs.WebhookSvix, "prod, , eu" },
			check: func(t *testing.T, o jobs.Options) {
				if strings.Join(o.Channels, "|") != "prod|eu" {
					t.Fatalf("channels = %q", o.Channels)
				}
			}},
		{name: "direct without URL", edit: func(in *formInput) { in.Webhook = jobs.WebhookDirect }, wantErr: "public URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base
			c.edit(&in)
			o, err := in.toOptions()
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.check != nil {
				c.check(t, o)
			}
		})
	}
}

// TestKindSectionsToOptions: each kind's section reads its widgets into
// the options, or says what is wrong in words.
func TestKindSectionsToOptions(t *testing.T) {
	test.NewTempApp(t)
	in := func(k jobs.Kind) formInput { return formInput{Kind: k, Webhook: jobs.WebhookNone} }
	parse := func(first, last string) func(*parseForm) {
		return func(s *parseForm) { s.PageStart.SetText(first); s.PageEnd.SetText(last) }
	}
	extract := func(schema, prompt string) func(*extractForm) {
		return func(s *extractForm) { s.Schema.SetText(schema); s.SystemPrompt.SetText(prompt) }
	}
	split := func(ds ...jobs.SplitDescription) func(*splitForm) {
		return func(s *splitForm) { s.fill(jobs.Options{Split: jobs.SplitOptions{Descriptions: ds}}) }
	}
	wantErr := func(name string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, want)
		}
	}
	_, err := sectionOptions(in(jobs.KindParse), parse("5", "2"))
	wantErr("page range reversed", err, "before")
	_, err = sectionOptions(in(jobs.KindParse), parse("x", ""))
	wantErr("page not a number", err, "page number")
	if o, err := sectionOptions(in(jobs.KindParse), parse("2", "")); err != nil || o.Parse.PageStart != 2 {
		t.Errorf("parse from page 2: %+v, %v", o.Parse, err)
	}
	_, err = sectionOptions(in(jobs.KindExtract), extract("", ""))
	wantErr("extract needs schema", err, "needs a schema")
	_, err = sectionOptions(in(jobs.KindExtract), extract(`{"type":"object","properties":{"total":{"type":"money"}}}`, ""))
	wantErr("extract bad type", err, `schema.total: unknown type "money"`)
	o, err := sectionOptions(in(jobs.KindExtract), extract(`{"type":"object","properties":{"total":{"type":"number"}},"required":["total"]}`, " be precise "))
	if err != nil || len(o.Extract.Schema) == 0 || o.Extract.SystemPrompt != "be precise" {
		t.Errorf("extract = %+v, %v", o.Extract, err)
	}
	_, err = sectionOptions(in(jobs.KindSplit), split())
	wantErr("split needs a section", err, "at least one")
	o, err = sectionOptions(in(jobs.KindSplit), split(jobs.SplitDescription{Name: "Invoice", Description: "the bill"}, jobs.SplitDescription{}))
	if err != nil || len(o.Split.Descriptions) != 1 || o.Split.Descriptions[0].Name != "Invoice" {
		t.Errorf("split = %+v, %v", o.Split, err)
	}
}

func TestFromOptionsRoundTrip(t *testing.T) {
	o := jobs.Options{Kind: jobs.KindExtract, Webhook: jobs.WebhookSvix, Channels: []string{"a", "b"},
		Metadata: []byte(`{"k":"v"}`), Extract: jobs.ExtractOptions{Schema: []byte(`{"type":"object"}`)}}
	test.NewTempApp(t)
	s := newExtractForm(func() {})
	s.fill(o)
	got, err := fromOptions(o).withKind(s)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Metadata) != `{"k":"v"}` || string(got.Extract.Schema) != `{"type":"object"}` || len(got.Channels) != 2 {
		t.Fatalf("round trip = %+v", got)
	}
}
