package core

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

func TestWatchFlagSubmitsNewDocumentsWithResultsBeside(t *testing.T) {
	dir := t.TempDir()
	a, svc := startCore(t, Flags{Sandbox: true, Watch: []string{dir}}, nil)
	doc := writePDF(t, dir, "invoice.pdf")
	var job jobs.Job
	waitFor(t, "the watched document completed with its outputs", func() bool {
		js, err := a.Engine().List(context.Background(), jobs.Query{})
		if err != nil || len(js) != 1 {
			return false
		}
		job = js[0]
		return job.Status == jobs.StatusCompleted && len(job.Outputs) > 0
	})
	if job.File != doc || job.Source != jobs.SourceWatch || job.Options.Outputs != jobs.OutputsBeside {
		t.Fatalf("job = %+v; want invoice.pdf from the watched folder, results beside", job)
	}
	if _, err := os.Stat(filepath.Join(dir, "invoice.parse.md")); err != nil {
		t.Fatalf("no invoice.parse.md beside the document: %v", err)
	}
	st := a.Folders().Statuses()
	if len(st) != 1 || !st[0].Session || st[0].Folder.Path != dir {
		t.Fatalf("statuses = %+v; want the --watch folder, for this run", st)
	}

	// A folder saved in Settings is watched at once, without a restart.
	saved := t.TempDir()
	if _, err := svc.Update(func(s *settings.Settings) {
		s.WatchFolders = []jobs.WatchFolder{{Path: saved}}
	}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the saved folder watched", func() bool { return len(a.Folders().Statuses()) == 2 })
	writePDF(t, saved, "receipt.pdf")
	waitFor(t, "the saved folder's document submitted", func() bool {
		js, err := a.Engine().List(context.Background(), jobs.Query{})
		return err == nil && len(js) == 2 && js[0].Source == jobs.SourceWatch
	})
}

// --watch-existing=new: a --watch folder not watched before submits only
// the documents that arrive after the start; the default (all) submits
// what is there too.
func TestWatchExistingNewSubmitsOnlyDocumentsThatArriveLater(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.pdf")
	if err := os.WriteFile(old, []byte("%PDF-1.4\nalready here\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	flags, err := ParseFlags([]string{"--headless", "--sandbox", "--watch", dir, "--watch-existing=new"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := startCore(t, flags, nil)
	doc := writePDF(t, dir, "arrived.pdf")
	waitFor(t, "the new document's job completed", func() bool {
		js, err := a.Engine().List(context.Background(), jobs.Query{})
		return err == nil && len(js) == 1 && js[0].Status == jobs.StatusCompleted
	})
	waitFor(t, "the folder idle", func() bool {
		st := a.Folders().Statuses()
		return len(st) == 1 && st[0].State == jobs.FolderWatching && st[0].Waiting == 0 && st[0].Running == 0
	})
	js, err := a.Engine().List(context.Background(), jobs.Query{})
	if err != nil || len(js) != 1 || js[0].File != doc {
		t.Fatalf("jobs = %+v (%v); want only %s", js, err, doc)
	}
	if _, err := ParseFlags([]string{"--watch-existing=some"}, io.Discard); err == nil {
		t.Fatal("--watch-existing=some accepted")
	}
}
