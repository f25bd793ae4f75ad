package watch

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// TestRoutedOriginalStaysForItsRoute: with MoveOriginals, a document a
// classify routes on stays where it is (its routed job may upload it
// again and writes its results beside it) and is recorded done once,
// while one classified into a category without a route moves to
// processed/ as any finished document does.
func TestRoutedOriginalStaysForItsRoute(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.cfg.Options = func(jobs.WatchFolder) (jobs.Options, error) {
		return jobs.Options{Kind: jobs.KindClassify, Routes: map[string]string{"invoice": "invoices"},
			Classify: jobs.ClassifyOptions{Categories: []jobs.ClassifyCategory{{Category: "invoice", Criteria: []string{"invoice"}}, {Category: "letter"}}}}, nil
	}
	f := r.folder()
	f.MoveOriginals = true
	r.start(f)
	invoice := filepath.Join(r.dir, "invoice-3.pdf")
	writeFile(t, invoice, pdf("an invoice"))
	writeFile(t, filepath.Join(r.dir, "note.pdf"), pdf("a note"))
	js := r.waitJobs(2) // no resolver in this rig: the route itself is the engine's test
	for _, j := range js {
		if j.Status != jobs.StatusCompleted || j.Kind != jobs.KindClassify {
			t.Fatalf("job %+v", j)
		}
	}
	waitFor(t, "the unrouted original moved", func() bool {
		_, err := os.Stat(filepath.Join(r.dir, ProcessedDir, "note.pdf"))
		return err == nil
	})
	r.settledAt(2)
	if _, err := os.Stat(invoice); err != nil {
		t.Fatalf("the routed original was moved: %v", err)
	}
}
