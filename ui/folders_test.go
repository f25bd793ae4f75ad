package ui

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// folderRig has two saved folders, inbox (watching) and scans (error),
// with their statuses from a fake watcher.
func folderRig(t *testing.T) (*rig, *fakeFolders, string, string) {
	t.Helper()
	root := t.TempDir()
	inbox, scans := filepath.Join(root, "inbox"), filepath.Join(root, "scans")
	ff := newFakeFolders(
		jobs.FolderStatus{Folder: jobs.WatchFolder{Path: inbox, Recursive: true, Preset: "invoices"}, State: jobs.FolderWatching,
			Waiting: 3, Running: 1, DoneToday: 12, FailedToday: 2},
		jobs.FolderStatus{Folder: jobs.WatchFolder{Path: scans, MoveOriginals: true}, State: jobs.FolderError,
			Err: "folder missing: " + scans},
	)
	r := newRigWith(t, reductotest.Config{}, func(r *rig, cfg *Config) {
		if _, err := r.svc.Update(func(s *settings.Settings) {
			s.WatchFolders = []jobs.WatchFolder{
				{Path: inbox, Recursive: true, Preset: "invoices"},
				{Path: scans, MoveOriginals: true},
			}
		}); err != nil {
			t.Fatal(err)
		}
		cfg.Folders = ff
		cfg.Presets = newFakePresets(map[string]jobs.Options{"invoices": invoicesPreset()})
	})
	return r, ff, inbox, scans
}

func TestFolderListShowsStatusesAndPauses(t *testing.T) {
	r, ff, inbox, scans := folderRig(t)
	l := r.u.prefs.Folders()
	r.eventually("both folders with their statuses", func() bool {
		return len(l.Rows) == 2 && strings.HasPrefix(l.Rows[0].Status.Text, "Watching") && strings.HasPrefix(l.Rows[1].Status.Text, "Error")
	})
	r.onMain(func() {
		if l.Empty.Visible() {
			t.Error("empty state shown with two folders")
		}
		in, sc := l.Row(inbox), l.Row(scans)
		if in == nil || sc == nil {
			t.Fatalf("rows for %s and %s missing", inbox, scans)
		}
		if want := "3 waiting · 1 running · 12 done today · 2 failed today"; !strings.Contains(in.Status.Text, want) {
			t.Errorf("inbox status %q, want %q", in.Status.Text, want)
		}
		if !strings.Contains(sc.Status.Text, "folder missing") || sc.Status.Importance != widget.DangerImportance {
			t.Errorf("scans status %q (importance %v): want the reason, as an error", sc.Status.Text, sc.Status.Importance)
		}
		if in.Preset.Selected != "invoices" || !in.Recursive.Checked || in.After.Selected != afterKeep {
			t.Errorf("inbox settings: preset %q recursive %v after %q", in.Preset.Selected, in.Recursive.Checked, in.After.Selected)
		}
		if sc.Preset.Selected != noFolderPreset || sc.Recursive.Checked || sc.After.Selected != afterMove {
			t.Errorf("scans settings: preset %q recursive %v after %q", sc.Preset.Selected, sc.Recursive.Checked, sc.After.Selected)
		}
		test.Tap(in.Pause)
	})
	r.eventually("inbox paused", func() bool { return strings.HasPrefix(l.Row(inbox).Status.Text, "Paused") })
	if calls := ff.pauseCalls(); len(calls) != 1 || calls[0] != (pauseCall{inbox, true}) {
		t.Fatalf("SetPaused calls %+v, want inbox paused", calls)
	}
	r.eventually("the pause saved", func() bool {
		s := r.svc.Settings()
		return len(s.WatchFolders) == 2 && s.WatchFolders[0].Paused
	})
	r.onMain(func() {
		if l.Row(inbox).Pause.Text != "Resume" {
			t.Errorf("pause button says %q once paused", l.Row(inbox).Pause.Text)
		}
	})

	// A status change from the watcher reaches the row by itself.
	ff.set(jobs.FolderStatus{Folder: jobs.WatchFolder{Path: inbox}, State: jobs.FolderScanning, Waiting: 40},
		jobs.FolderStatus{Folder: jobs.WatchFolder{Path: scans}, State: jobs.FolderWatching})
	r.eventually("the new statuses", func() bool {
		return strings.HasPrefix(l.Row(inbox).Status.Text, "Scanning — 40 waiting") && strings.HasPrefix(l.Row(scans).Status.Text, "Watching")
	})
}

func TestFolderListEditsSettings(t *testing.T) {
	r, _, inbox, scans := folderRig(t)
	l := r.u.prefs.Folders()
	r.eventually("two rows", func() bool { return len(l.Rows) == 2 })
	added := filepath.Join(t.TempDir(), "new")
	r.onMain(func() {
		l.Row(scans).Recursive.SetChecked(true)
	})
	r.eventually("recursive saved", func() bool { return r.svc.Settings().WatchFolders[1].Recursive })
	r.onMain(func() { l.Row(inbox).After.SetSelected(afterMove) })
	r.eventually("move saved", func() bool { return r.svc.Settings().WatchFolders[0].MoveOriginals })
	r.onMain(func() { l.Row(inbox).Preset.SetSelected(noFolderPreset) })
	r.eventually("preset cleared", func() bool { return r.svc.Settings().WatchFolders[0].Preset == "" })
	r.onMain(func() { l.AddFolder(added) })
	r.eventually("the added folder saved and listed", func() bool {
		s := r.svc.Settings()
		return len(s.WatchFolders) == 3 && s.WatchFolders[2].Path == added && s.WatchFolders[2].Recursive && l.Row(added) != nil
	})
	r.onMain(func() { l.RemoveFolder(inbox) })
	r.eventually("inbox removed", func() bool {
		s := r.svc.Settings()
		return !slices.ContainsFunc(s.WatchFolders, func(f jobs.WatchFolder) bool { return f.Path == inbox }) && l.Row(inbox) == nil
	})
	// Saving the General tab keeps the folders edited meanwhile.
	r.onMain(func() { test.Tap(r.u.prefs.Save) })
	r.eventually("the general save", func() bool { return strings.Contains(r.u.status.Text, "Settings saved") })
	if got := r.svc.Settings().WatchFolders; len(got) != 2 {
		t.Fatalf("after saving the general settings: %d folders, want 2: %+v", len(got), got)
	}
}

func TestFolderListEmptyState(t *testing.T) {
	r := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) { cfg.Folders = newFakeFolders() })
	l := r.u.prefs.Folders()
	r.onMain(func() {
		if !l.Empty.Visible() || l.Empty.Text != folderEmptyText || len(l.Rows) != 0 {
			t.Fatalf("empty state: shown %v, text %q, %d rows", l.Empty.Visible(), l.Empty.Text, len(l.Rows))
		}
	})
}

func TestTrayListsFoldersAndPausesThem(t *testing.T) {
	r, ff, inbox, scans := folderRig(t)
	find := func(prefix string) *fyne.MenuItem {
		for _, it := range r.u.TrayMenu().Items {
			if strings.HasPrefix(it.Label, prefix) {
				return it
			}
		}
		return nil
	}
	r.eventually("both folders in the tray", func() bool {
		return find("inbox — watching, 4 in progress") != nil && find("scans — error") != nil
	})
	var pause *fyne.MenuItem
	r.onMain(func() { pause = find("inbox").ChildMenu.Items[0] })
	if pause.Label != "Pause watching" {
		t.Fatalf("first folder action %q", pause.Label)
	}
	r.onMain(pause.Action)
	r.eventually("inbox paused in the tray", func() bool { return find("inbox — paused") != nil })
	if calls := ff.pauseCalls(); len(calls) != 1 || calls[0] != (pauseCall{inbox, true}) {
		t.Fatalf("SetPaused calls %+v", calls)
	}
	// Pausing notifications is another thing: no folder is paused by it.
	var notif *fyne.MenuItem
	r.onMain(func() { notif = find("Pause notifications") })
	r.onMain(notif.ChildMenu.Items[0].Action)
	if calls := ff.pauseCalls(); len(calls) != 1 {
		t.Fatalf("pausing notifications paused folders: %+v", calls)
	}
	_ = scans
}
