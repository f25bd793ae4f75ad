//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWatchedFolderWritesResultsBeside runs the real binary headless in
// sandbox mode with --watch: documents that appear in the folder (one
// written in pieces, one arriving as a partial download that is then
// renamed) each become one job with source "watch", and their results
// appear beside them and in jobs --json.
//
//	go test -tags e2e -run Watched ./ui/e2e/
func TestWatchedFolderWritesResultsBeside(t *testing.T) {
	in := headlessInstall(t)
	dir := t.TempDir()
	app := in.start("--headless", "--sandbox", "--listen", freeAddr(t), "--watch", dir)

	// Written in pieces, as a scanner or a slow copy does.
	slow := filepath.Join(dir, "scan 1.pdf")
	f, err := os.Create(slow)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"%PDF-1.4\n", "1 0 obj << /Type /Catalog >> endobj\n", "trailer << /Root 1 0 R >>\n%%EOF\n"} {
		if _, err := f.WriteString(part); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // the writer's pace, not synchronisation
	}
	f.Close()
	// A browser's partial download, renamed when complete.
	part := filepath.Join(dir, "invoice.pdf.crdownload")
	if err := os.WriteFile(part, []byte("%PDF-1.4\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	invoice := filepath.Join(dir, "invoice.pdf")
	if err := os.Rename(part, invoice); err != nil {
		t.Fatal(err)
	}

	for _, doc := range []string{slow, invoice} {
		j := in.waitJob(doc, 90*time.Second, func(j jobJSON) bool { return j.Status == "completed" && len(j.Outputs) > 0 })
		if j.Source == nil || *j.Source != "watch" {
			t.Errorf("%s: source %v, want watch", filepath.Base(doc), j.Source)
		}
		stem := strings.TrimSuffix(doc, ".pdf")
		for _, want := range []string{stem + ".parse.md", stem + ".parse.json"} {
			if !slices.Contains(j.Outputs, want) {
				t.Errorf("%s: outputs %v lack %s", filepath.Base(doc), j.Outputs, want)
			}
			if info, err := os.Stat(want); err != nil || info.Size() == 0 {
				t.Errorf("output %s: %v", want, err)
			}
		}
	}
	list, err := in.jobs()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Errorf("jobs --json lists %d jobs, want 2 (one per document; partial names and outputs are never submitted)", len(list))
	}
	if app.exited() {
		t.Error("the app exited during the run")
	}
}
