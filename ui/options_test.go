package ui

import (
	"strings"
	"testing"

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
		{name: "page range reversed", edit: func(in *formInput) { in.PageStart, in.PageEnd = "5", "2" }, wantErr: "before"},
		{name: "page not a number", edit: func(in *formInput) { in.PageStart = "x" }, wantErr: "page number"},
		{name: "extract needs schema", edit: func(in *formInput) { in.Kind = jobs.KindExtract }, wantErr: "needs a schema"},
		{name: "extract bad type", edit: func(in *formInput) {
			in.Kind = jobs.KindExtract
			in.Schema = `{"type":"object","properties":{"total":{"type":"money"}}}`
		}, wantErr: `schema.total: unknown type "money"`},
		{name: "extract ok", edit: func(in *formInput) {
			in.Kind = jobs.KindExtract
			in.Schema = `{"type":"object","properties":{"total":{"type":"number"}},"required":["total"]}`
			in.SystemPrompt = " be precise "
		}, check: func(t *testing.T, o jobs.Options) {
			if len(o.Extract.Schema) == 0 || o.Extract.SystemPrompt != "be precise" {
				t.Fatalf("extract = %+v", o.Extract)
			}
		}},
		{name: "split needs a section", edit: func(in *formInput) { in.Kind = jobs.KindSplit }, wantErr: "at least one"},
		{name: "split ok", edit: func(in *formInput) {
			in.Kind = jobs.KindSplit
			in.Splits = []jobs.SplitDescription{{Name: "Invoice", Description: "the bill"}, {}}
		}, check: func(t *testing.T, o jobs.Options) {
			if len(o.Split.Descriptions) != 1 || o.Split.Descriptions[0].Name != "Invoice" {
				t.Fatalf("split = %+v", o.Split)
			}
		}},
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

func TestFromOptionsRoundTrip(t *testing.T) {
	o := jobs.Options{Kind: jobs.KindExtract, Webhook: jobs.WebhookSvix, Channels: []string{"a", "b"},
		Metadata: []byte(`{"k":"v"}`), Extract: jobs.ExtractOptions{Schema: []byte(`{"type":"object"}`)}}
	got, err := fromOptions(o).toOptions()
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Metadata) != `{"k":"v"}` || string(got.Extract.Schema) != `{"type":"object"}` || len(got.Channels) != 2 {
		t.Fatalf("round trip = %+v", got)
	}
}
