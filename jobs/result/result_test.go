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

func TestResultMarkdown(t *testing.T) {
	cases := []struct {
		name, raw string
		kind      jobs.Kind
		want      []string
	}{
		{"parse response", `{"job_id":"j","result":{"type":"full","chunks":[{"content":"# Title\nHello"},{"content":"World"}]}}`,
			jobs.KindParse, []string{"# Title\nHello\n\nWorld\n"}},
		{"bare chunk array", `[{"content":"only"}]`, jobs.KindParse, []string{"only"}},
		{"extract", `{"result":{"vendor":"ACME","total":12.5,"lines":[{"sku":"A"}],"tags":["x","y"],"none":[],"note":null}}`,
			jobs.KindExtract, []string{"- **vendor**: ACME\n- **total**: 12.5\n- **lines**\n  - item 1\n    - **sku**: A\n- **tags**\n  - x\n  - y\n- **none**\n  - _(none)_\n- **note**: _empty_\n"}},
		{"extract cited", `{"result":{"total":{"value":7,"citations":[{"bbox":{"page":2}}]}}}`,
			jobs.KindExtract, []string{"- **total**: 7 _(p. 2)_\n"}},
		{"split", `{"result":{"splits":[{"name":"Invoice","pages":[1,2,3],"conf":"high","partitions":[{"name":"p","pages":[2]}]},{"name":"","pages":[]}]}}`,
			jobs.KindSplit, []string{"## Invoice\n\nPages: 1–3 (confidence high)\n\n- p: pages 2\n", "## (unnamed)\n\nPages: none"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Read(c.kind, []byte(c.raw))
			if err != nil {
				t.Fatal(err)
			}
			got := r.Markdown()
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Fatalf("markdown %q lacks %q", got, w)
				}
			}
		})
	}
	// A kind whose reader gives no Markdown of its own shows its JSON.
	r := &Result{Kind: "nonesuch", raw: []byte(`{"odd":true}`)}
	if got := r.Markdown(); got != "```json\n{\n  \"odd\": true\n}\n```\n" {
		t.Errorf("fallback = %q", got)
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
