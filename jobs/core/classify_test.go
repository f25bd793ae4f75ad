package core

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
)

// sortPresets are a "sort my mail" classify preset routing invoices to an
// extract preset, and that preset.
var sortPresets = map[string]string{
	"sort": `{"kind": "classify", "outputs": "beside",
  "request": {"classification_schema": [
    {"category": "invoice", "criteria": ["invoice"]},
    {"category": "letter", "criteria": []}]},
  "routes": {"invoice": "invoices"}}`,
	"invoices": `{"kind": "extract", "request": {"instructions": {"schema": {"type": "object", "properties": {"total": {"type": "number"}}}}}}`,
}

// TestSortPresetClassifiesAndRoutesHeadless: a --preset sort run (as
// `reducto-tray --headless --sandbox --preset sort scan.pdf ...`)
// classifies each file in the sandbox, sends the invoice on to the
// invoices preset as a routed child, writes both results beside it, and
// jobs --json shows category, source route and parent_id.
func TestSortPresetClassifiesAndRoutesHeadless(t *testing.T) {
	home := homeWithPresets(t, sortPresets)
	t.Setenv(datadir.HomeEnv, home)
	a, err := startCoreIn(t, home, Flags{Preset: "sort", Headless: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	invoice, letter := writePDF(t, dir, "invoice-0042.pdf"), writePDF(t, dir, "scan.pdf")
	if queued := a.submitCLI([]string{invoice, letter}); len(queued) != 2 {
		t.Fatalf("queued %d", len(queued))
	}
	waitFor(t, "the classifies, the routed extract and their outputs", func() bool {
		js, err := a.Engine().List(context.Background(), jobs.Query{})
		if err != nil || len(js) != 3 {
			return false
		}
		for _, j := range js {
			if j.Status != jobs.StatusCompleted || len(j.Outputs) == 0 {
				return false
			}
		}
		return true
	})
	var out, errOut bytes.Buffer
	if code := RunJobs([]string{"--json"}, &out, &errOut); code != 0 {
		t.Fatalf("jobs --json: exit %d: %s", code, errOut.String())
	}
	var list []map[string]any
	if err := json.Unmarshal(out.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	byFile := map[string][]map[string]any{}
	for _, j := range list {
		byFile[filepath.Base(j["file"].(string))] = append(byFile[filepath.Base(j["file"].(string))], j)
	}
	inv := byFile["invoice-0042.pdf"] // newest first: the routed extract, then the classify
	if len(inv) != 2 || inv[1]["kind"] != "classify" || inv[1]["category"] != "invoice" || inv[1]["source"] != "cli" || inv[1]["preset"] != "sort" {
		t.Fatalf("the invoice's jobs: %v", inv)
	}
	if c := inv[0]; c["kind"] != "extract" || c["source"] != "route" || c["category"] != "invoice" || c["preset"] != "invoices" || c["parent_id"] != inv[1]["id"] {
		t.Fatalf("the routed job: %v", c)
	}
	if l := byFile["scan.pdf"]; len(l) != 1 || l[0]["category"] != "letter" || l[0]["parent_id"] != nil {
		t.Fatalf("the letter: %v", l)
	}
	for _, name := range []string{"invoice-0042.classify.json", "invoice-0042.extract.json", "scan.classify.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s not beside the documents: %v", name, err)
		}
	}
}

// TestSortMyMailFolder: a watched folder with the routing preset
// classifies each new document once (the ledger), routes the invoice, and
// the results of both land beside it; the outputs are never taken for new
// documents.
func TestSortMyMailFolder(t *testing.T) {
	home := homeWithPresets(t, sortPresets)
	dir := t.TempDir()
	a, err := startCoreIn(t, home, Flags{Preset: "sort", Headless: true, Watch: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	writePDF(t, dir, "invoice-7.pdf")
	waitFor(t, "the invoice classified and routed, results beside it", func() bool {
		_, e1 := os.Stat(filepath.Join(dir, "invoice-7.classify.json"))
		_, e2 := os.Stat(filepath.Join(dir, "invoice-7.extract.json"))
		return e1 == nil && e2 == nil
	})
	waitFor(t, "the folder idle", func() bool {
		st := a.Folders().Statuses()
		return len(st) == 1 && st[0].State == jobs.FolderWatching && st[0].Waiting == 0 && st[0].Running == 0
	})
	js, err := a.Engine().List(context.Background(), jobs.Query{})
	if err != nil || len(js) != 2 {
		t.Fatalf("jobs = %v, %v; want the classify and its routed extract only", js, err)
	}
	if js[1].Kind != jobs.KindClassify || js[1].Source != jobs.SourceWatch || js[0].Source != jobs.SourceRoute || js[0].ParentID != js[1].ID || js[0].Options.Outputs != jobs.OutputsBeside {
		t.Fatalf("jobs = %+v", js)
	}
}
