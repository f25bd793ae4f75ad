package core

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/pages"
)

// TestSandboxParseIsSearchable: a real PDF parsed in the sandbox (which
// reads the PDF's own text) is found by `search --json` while the app
// runs, on the right page, with the snippet around the words; -word,
// nothing found and bad usage behave as the contract says.
func TestSandboxParseIsSearchable(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "Northwind contract.pdf")
	pdf := pages.SamplePDF([]pages.SamplePage{
		{Texts: []pages.SampleText{{X: 72, Y: 100, Size: 20, Text: "Master services agreement"}}},
		{Texts: []pages.SampleText{
			{X: 72, Y: 100, Size: 12, Text: "Payment within thirty days"},
			{X: 72, Y: 300, Size: 12, Text: "The indemnity cap is EUR 50,000"},
		}},
	})
	if err := os.WriteFile(doc, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	a, _ := startCore(t, Flags{Sandbox: true}, nil)
	ctx := context.Background()
	queued, _, err := a.Submit(ctx, []string{doc}, jobs.Options{Kind: jobs.KindParse})
	if err != nil || len(queued) != 1 {
		t.Fatalf("submit: %v", err)
	}
	id := queued[0].ID
	// Two waits, each with its own deadline: under the race detector the
	// sandbox reads the PDF with PDFium interpreted, which takes most of one.
	waitFor(t, "the parse to complete", func() bool {
		j, err := a.Engine().Job(ctx, id)
		return err == nil && j.Status.Final()
	})
	waitFor(t, "the parse to be indexed", func() bool {
		ok, err := a.store.SearchIndexed(ctx, id)
		return err == nil && ok
	})
	if p := a.IndexProgress(); p.Total != 1 {
		t.Errorf("IndexProgress %+v, want 1 result", p)
	}
	t.Setenv(datadir.HomeEnv, a.home)

	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := RunSearch(args, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	code, out, stderr := run("indemn*", "--json", "--limit", "5")
	if code != 0 || stderr != "" {
		t.Fatalf("search: exit %d, stderr %q", code, stderr)
	}
	var hits []map[string]any
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if len(hits) != 1 {
		t.Fatalf("hits %v, want one", hits)
	}
	h := hits[0]
	for _, k := range []string{"id", "job_id", "file", "kind", "page", "snippet", "field", "score"} {
		if _, ok := h[k]; !ok {
			t.Errorf("hit %v lacks %q", h, k)
		}
	}
	if h["id"] != float64(id) || h["file"] != doc || h["kind"] != "parse" || h["page"] != float64(2) || h["field"] != nil ||
		h["job_id"] == "" || !strings.Contains(h["snippet"].(string), "indemnity cap") || strings.ContainsAny(h["snippet"].(string), "\x02\x03") ||
		h["score"].(float64) <= 0 {
		t.Errorf("hit %v: want job %d, page 2, a plain snippet holding the words, a positive score", h, id)
	}
	// A name hit has no page; it comes first.
	if _, out, _ := run("--json", "northwind"); !strings.Contains(out, `"page": null`) {
		t.Errorf("name search: %s", out)
	}
	// Left out, or not there: [] and exit 0.
	for _, q := range [][]string{{"indemnity", "-agreement", "--json"}, {"--json", "zanzibar"}} {
		if code, out, _ := run(q...); code != 0 || strings.TrimSpace(out) != "[]" {
			t.Errorf("search %v: exit %d, %q; want [] and 0", q, code, out)
		}
	}
	// The table, for people.
	if code, out, _ := run("thirty", "days"); code != 0 || !strings.Contains(out, "Northwind contract.pdf") || !strings.Contains(out, "Payment within thirty days") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	if code, _, stderr := run("--json"); code != 2 || !strings.Contains(stderr, "QUERY") {
		t.Errorf("no query: exit %d, %q; want 2 and a message", code, stderr)
	}
}
