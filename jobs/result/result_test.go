package result

import (
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// Read picks the kind's reader and fills that kind's field and the usage
// the response reports, whatever the kind.
func TestReadFillsTheKindsFieldAndUsage(t *testing.T) {
	cases := []struct {
		kind jobs.Kind
		raw  string
		set  func(*Result) bool
	}{
		{jobs.KindParse, `{"usage":{"num_pages":3,"credits":1.5},"pdf_url":"https://x.invalid/p.pdf","result":{"type":"full","chunks":[{"content":"x"}]}}`,
			func(r *Result) bool {
				return r.Parse != nil && r.Parse.Pages == 3 && r.Parse.PDFURL == "https://x.invalid/p.pdf" && r.Extract == nil
			}},
		{jobs.KindExtract, `{"usage":{"num_pages":3,"num_fields":1,"credits":1.5},"result":{"a":1}}`,
			func(r *Result) bool { return r.Extract != nil && r.Parse == nil && r.Split == nil }},
		{jobs.KindSplit, `{"usage":{"num_pages":3,"credits":1.5},"result":{"splits":[]}}`,
			func(r *Result) bool { return r.Split != nil && r.Parse == nil && r.Extract == nil }},
	}
	for _, c := range cases {
		r, err := Read(c.kind, []byte(c.raw))
		if err != nil {
			t.Fatalf("%s: %v", c.kind, err)
		}
		if r.Kind != c.kind || !c.set(r) {
			t.Errorf("%s: read as %+v", c.kind, r)
		}
		if r.Usage.Pages != 3 || r.Usage.Credits == nil || *r.Usage.Credits != 1.5 {
			t.Errorf("%s: usage %+v", c.kind, r.Usage)
		}
	}
	if _, err := Read("nonesuch", []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "nonesuch") {
		t.Errorf("a kind without a reader: %v", err)
	}
	for _, k := range []jobs.Kind{jobs.KindParse, jobs.KindExtract, jobs.KindSplit} {
		if _, err := Read(k, []byte(`{"result":`)); err == nil || !strings.Contains(err.Error(), string(k)) {
			t.Errorf("broken %s JSON: %v", k, err)
		}
	}
}

// A parse's Markdown is its Doc's; any other kind exports as its JSON in
// a code block (the Markdown export offered for a kind the app has no
// Markdown for).
func TestResultMarkdown(t *testing.T) {
	r, err := Read(jobs.KindParse, []byte(`{"job_id":"j","result":{"type":"full","chunks":[{"content":"# Title\nHello"},{"content":"World"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Markdown(); got != "# Title\nHello\n\nWorld\n" || got != r.Parse.Markdown() {
		t.Errorf("parse markdown = %q", got)
	}
	r, err = Read(jobs.KindExtract, []byte(`{"usage":{"credits":1},"result":{"odd":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "```json\n{\n  \"usage\": {\n    \"credits\": 1\n  },\n  \"result\": {\n    \"odd\": true\n  }\n}\n```\n"
	if got := r.Markdown(); got != want {
		t.Errorf("fallback = %q, want %q", got, want)
	}
}

// parseDoc, extractTree and splitSections read raw through Read, as the
// app does.
func parseDoc(raw []byte) (*Doc, Usage, error) {
	r, err := Read(jobs.KindParse, raw)
	if err != nil {
		return nil, Usage{}, err
	}
	return r.Parse, r.Usage, nil
}

func extractTree(raw []byte) (*Node, Usage, error) {
	r, err := Read(jobs.KindExtract, raw)
	if err != nil {
		return nil, Usage{}, err
	}
	return r.Extract, r.Usage, nil
}

func splitSections(raw []byte) ([]Section, Usage, error) {
	r, err := Read(jobs.KindSplit, raw)
	if err != nil {
		return nil, Usage{}, err
	}
	return r.Split, r.Usage, nil
}
