package ui

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/watch"
)

// Adding a folder that already holds documents asks first. "Only new
// documents" submits none of them and the next document saved into it
// is submitted; Cancel adds nothing. Before, the folder was added at once
// and its first scan submitted everything in it.
func TestAddFolderWithDocumentsAsksFirst(t *testing.T) {
	var mgr *watch.Manager
	r := newRigWith(t, reductotest.Config{}, func(r *rig, cfg *Config) {
		mgr = watch.New(watch.Config{Store: r.store, Engine: r.engine, Settle: 200 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err := mgr.Start(); err != nil {
			t.Fatal(err)
		}
		cfg.Folders = mgr
	})
	t.Cleanup(mgr.Close) // before the rig's engine and store close
	l := r.u.prefs.Folders()
	saved := func(dir string) bool {
		return slices.ContainsFunc(r.svc.Settings().WatchFolders, func(f jobs.WatchFolder) bool { return f.Path == dir })
	}
	write := func(p, text string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("%PDF-1.4\n% "+text+"\n%%EOF\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// Cancel adds nothing.
	other := t.TempDir()
	write(filepath.Join(other, "a.pdf"), "other a")
	r.onMain(func() { l.AddFolder(other) })
	r.eventually("the question", func() bool { return l.Existing != nil })
	r.onMain(func() { test.Tap(l.ExistingCancel) })
	r.eventually("cancelled", func() bool { return l.Existing == nil && strings.Contains(r.u.status.Text, "not added") })
	if saved(other) {
		t.Fatal("a cancelled folder was saved")
	}
	if ex, err := mgr.Existing(context.Background(), jobs.WatchFolder{Path: other, Recursive: true}); err != nil || !ex.New {
		t.Fatalf("after cancel: %+v, %v; want the folder still never watched", ex, err)
	}

	// Only new documents.
	dir := t.TempDir()
	write(filepath.Join(dir, "old1.pdf"), "old one")
	write(filepath.Join(dir, "sub", "old2.pdf"), "old two")
	r.onMain(func() { l.AddFolder(dir) })
	r.eventually("the question", func() bool { return l.Existing != nil })
	r.onMain(func() {
		if !strings.Contains(l.ExistingAll.Text, "2 documents") {
			t.Errorf("the all button says %q; want the count", l.ExistingAll.Text)
		}
		test.Tap(l.ExistingNew)
	})
	r.eventually("the folder saved", func() bool { return saved(dir) })
	mgr.Set(r.svc.Settings().WatchFolders, nil) // as the core applies a saved change
	write(filepath.Join(dir, "new.pdf"), "new")
	r.eventually("the new document submitted", func() bool { return r.count(jobs.Query{}) >= 1 })
	waitIdle := func() bool {
		for _, st := range mgr.Statuses() {
			if st.State != jobs.FolderWatching || st.Waiting != 0 {
				return false
			}
		}
		return true
	}
	r.eventually("the folder idle", waitIdle)
	js, err := r.engine.List(context.Background(), jobs.Query{})
	if err != nil || len(js) != 1 || filepath.Base(js[0].File) != "new.pdf" {
		t.Fatalf("jobs %+v (%v); want new.pdf only", js, err)
	}
}
