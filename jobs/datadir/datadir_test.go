package datadir

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func skipWithoutUnixModes(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
}

// TestHomeNarrowsExistingFolder: a data folder that already exists with a
// wider mode (made by hand, by an older build, restored from a backup) is
// made 0700 (issue 7, fault 6).
func TestHomeNarrowsExistingFolder(t *testing.T) {
	skipWithoutUnixModes(t)
	dir := filepath.Join(t.TempDir(), "Reducto Tray")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	t.Setenv(HomeEnv, dir)
	got, err := Home()
	if err != nil {
		t.Fatal(err)
	}
	if got != dir {
		t.Fatalf("Home() = %s, want %s", got, dir)
	}
	if m := modeOf(t, dir); m != 0o700 {
		t.Fatalf("data folder mode %v, want 0700", m)
	}
}

func TestHomeCreatesPrivateFolder(t *testing.T) {
	skipWithoutUnixModes(t)
	dir := filepath.Join(t.TempDir(), "a", "data")
	t.Setenv(HomeEnv, dir)
	if _, err := Home(); err != nil {
		t.Fatal(err)
	}
	if m := modeOf(t, dir); m != 0o700 {
		t.Fatalf("data folder mode %v, want 0700", m)
	}
}

// TestHomeIsAbsolute: a relative REDUCTO_TRAY_HOME names the same folder
// however the process later changes directory.
func TestHomeIsAbsolute(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv(HomeEnv, "rel")
	got, err := Home()
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(got) || filepath.Base(got) != "rel" {
		t.Fatalf("Home() = %s, want an absolute path ending in rel", got)
	}
}

func TestMakePrivate(t *testing.T) {
	skipWithoutUnixModes(t)
	path := filepath.Join(t.TempDir(), "reducto-tray.log")
	if err := os.WriteFile(path, []byte("log\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := MakePrivate(path); err != nil {
		t.Fatal(err)
	}
	if m := modeOf(t, path); m != 0o600 {
		t.Fatalf("mode %v after MakePrivate, want 0600", m)
	}
	if err := MakePrivate(filepath.Join(t.TempDir(), "absent")); err != nil {
		t.Fatalf("MakePrivate of a missing file: %v", err)
	}
}

// TestDataFolderNames pins every name: a data folder written by an older
// build must still be found (the history, the tokens a webhook URL or the
// relay was registered with, the presets people copy by hand), so a name
// here never changes.
func TestDataFolderNames(t *testing.T) {
	home := t.TempDir()
	want := map[string]string{
		DatabasePath(home):              "history.db",
		LogPath(home):                   "reducto-tray.log",
		SettingsPath(home):              "settings.json",
		SecretPath(home, "api_key"):     "api_key",
		ControlSocketPath(home):         "control.sock",
		ControlLockPath(home):           "control.lock",
		ControlAddrPath(home):           "control.addr",
		DirectTokenPath(home):           "direct_token",
		RelayTokenPath(home):            "relay_token",
		SandboxStatePath(home):          "sandbox.json",
		PresetsDir(home):                "presets",
		ExamplesDir(home):               "examples",
		SecretPath(home, "webhook_key"): "webhook_key",
	}
	if len(want) != 13 {
		t.Fatalf("%d distinct paths, want 13: two names collide", len(want))
	}
	for p, name := range want {
		if p != filepath.Join(home, name) {
			t.Errorf("%s, want %s directly in the data folder", p, name)
		}
	}
}

func modeOf(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
