package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// samplePDF writes an n-page PDF at path, each page saying its number.
func samplePDF(t *testing.T, path string, n int) {
	t.Helper()
	ps := make([]pages.SamplePage, n)
	for i := range ps {
		ps[i].Texts = []pages.SampleText{{X: 72, Y: 72, Size: 24, Text: fmt.Sprintf("Page %d", i+1)}}
	}
	if err := os.WriteFile(path, pages.SamplePDF(ps), 0o600); err != nil {
		t.Fatal(err)
	}
}

// pageCount is the number of pages pdfcpu reads in the PDF at path.
func pageCount(t *testing.T, path string) int {
	t.Helper()
	n, err := api.PageCountFile(path)
	if err != nil {
		t.Fatalf("page count of %s: %v", filepath.Base(path), err)
	}
	return n
}

// TestSplitIntoFilesWritesSectionsBesideTheSource: the split view's
// "Split into files" and the Export menu's entry write each section's
// pages as a PDF beside the document, named after the section, and never
// over a file that is already there.
func TestSplitIntoFilesWritesSectionsBesideTheSource(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	src := filepath.Join(r.dir, "bundle.pdf")
	samplePDF(t, src, 6)
	// The user's own file where the first section's PDF would go.
	mine := filepath.Join(r.dir, "bundle - Invoice.pdf")
	if err := os.WriteFile(mine, []byte("my notes, not a split"), 0o600); err != nil {
		t.Fatal(err)
	}
	raw := []byte(`{"result":{"splits":[
		{"name":"Invoice","pages":[1,2],"conf":"high"},
		{"name":"Contract / Terms","pages":[3,5,4],"conf":"low"},
		{"name":"Blank","pages":[],"conf":"high"},
		{"name":"Annex","pages":[{"page":6}],"conf":"high"}]}}`)
	j := jobs.Job{ID: 52, JobID: "s-1", File: src, Kind: jobs.KindSplit, Status: jobs.StatusCompleted, Options: jobs.Options{Kind: jobs.KindSplit}}
	d := r.u.detail
	r.onMain(func() {
		d.fill(j, nil, nil, raw, nil, buildResult(jobs.KindSplit, raw), jsonView(raw))
		r.u.win.Resize(fyne.NewSize(1000, 680))
		if d.View.Split == nil || d.View.Split.Disabled() {
			t.Fatal("Split into files not offered on a PDF")
		}
		test.Tap(d.View.Split)
	})
	r.eventually("the split written", func() bool {
		return strings.HasPrefix(r.u.status.Text, "Wrote") && !d.View.Split.Disabled()
	})
	r.onMain(func() {
		if got := r.u.status.Text; got != "Wrote 3 PDFs beside bundle.pdf" {
			t.Errorf("status = %q", got)
		}
	})
	want := map[string]int{
		"bundle - Invoice (2).pdf":      2, // beside the user's file, not over it
		"bundle - Contract _ Terms.pdf": 3,
		"bundle - Annex.pdf":            1, // a deep split's evidence pages
	}
	for name, n := range want {
		if got := pageCount(t, filepath.Join(r.dir, name)); got != n {
			t.Errorf("%s has %d pages, want %d", name, got, n)
		}
	}
	if b, err := os.ReadFile(mine); err != nil || string(b) != "my notes, not a split" {
		t.Errorf("the existing file changed: %q, %v", b, err)
	}
	if pageCount(t, src) != 6 {
		t.Error("the source changed")
	}

	// The Export menu's entry does the same, again never over a file.
	r.onMain(func() {
		var split *fyne.MenuItem
		for _, it := range d.exportItems() {
			if it.Label == "Split into files (beside the document)" {
				split = it
			}
		}
		if split == nil {
			t.Fatal("the Export menu lacks Split into files")
		}
		r.u.setStatus("")
		split.Action()
	})
	r.eventually("the second split written", func() bool {
		return strings.HasPrefix(r.u.status.Text, "Wrote") && !d.View.Split.Disabled()
	})
	for name, n := range map[string]int{"bundle - Invoice (3).pdf": 2, "bundle - Contract _ Terms (2).pdf": 3, "bundle - Annex (2).pdf": 1} {
		if got := pageCount(t, filepath.Join(r.dir, name)); got != n {
			t.Errorf("%s has %d pages, want %d", name, got, n)
		}
	}
	for name, n := range want {
		if got := pageCount(t, filepath.Join(r.dir, name)); got != n {
			t.Errorf("after the second split %s has %d pages, want %d", name, got, n)
		}
	}
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 8 || slices.Contains(names, "bundle - Blank.pdf") {
		t.Errorf("files beside the source: %q", names)
	}
}
