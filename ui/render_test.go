package ui

import (
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestResultMarkdown(t *testing.T) {
	cases := []struct {
		name, raw string
		kind      jobs.Kind
		want      []string
	}{
		{"parse response", `{"job_id":"j","result":{"type":"full","chunks":[{"content":"# Title\nHello"},{"content":"World"}]}}`,
			jobs.KindParse, []string{"# Title\nHello", "---", "World"}},
		{"bare chunk array", `[{"content":"only"}]`, jobs.KindParse, []string{"only"}},
		{"extract", `{"result":{"total":12.5,"vendor":"ACME","lines":[{"sku":"A"}]}}`,
			jobs.KindExtract, []string{"**total**: 12.5", "**vendor**: ACME", "- item 1", "**sku**: A"}},
		{"split", `{"result":{"splits":[{"name":"Invoice","pages":[1,2],"conf":"high"}]}}`,
			jobs.KindSplit, []string{"## Invoice", "Pages: 1, 2", "confidence high"}},
		{"unknown", `{"odd":true}`, jobs.KindParse, []string{"```", `"odd": true`}},
		{"empty", ``, jobs.KindParse, []string{"No result"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := resultMarkdown(c.kind, []byte(c.raw))
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Fatalf("markdown %q lacks %q", got, w)
				}
			}
		})
	}
}

func TestTruncateMarkdown(t *testing.T) {
	long := strings.Repeat("line of text\n", maxRenderedMarkdown/10)
	got := truncateMarkdown(long)
	if len(got) > maxRenderedMarkdown+100 || !strings.Contains(got, "shortened") {
		t.Fatalf("truncated to %d bytes", len(got))
	}
}
