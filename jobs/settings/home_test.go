package settings

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

// TestDataFolderFiles: every file the app keeps is directly in the data
// folder, no two share a name, and the package's own readers and writers
// use these paths.
func TestDataFolderFiles(t *testing.T) {
	home := t.TempDir()
	paths := map[string]string{
		"database":       DatabasePath(home),
		"log":            LogPath(home),
		"settings":       SettingsPath(home),
		"api key":        SecretPath(home, SecretAPIKey),
		"webhook secret": SecretPath(home, SecretWebhook),
		"control socket": ControlSocketPath(home),
		"control lock":   ControlLockPath(home),
		"control addr":   ControlAddrPath(home),
		"direct token":   DirectTokenPath(home),
		"relay token":    RelayTokenPath(home),
		"sandbox state":  SandboxStatePath(home),
		"presets":        PresetsDir(home),
	}
	seen := map[string]string{}
	for what, p := range paths {
		if filepath.Dir(p) != home {
			t.Errorf("%s: %s is not directly in the data folder", what, p)
		}
		if other, dup := seen[p]; dup {
			t.Errorf("%s and %s share %s", what, other, p)
		}
		seen[p] = what
	}
	if err := Save(home, Default()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(SettingsPath(home)); err != nil {
		t.Fatalf("Save did not write SettingsPath: %v", err)
	}
	sec := NewSecrets(home, false) // the file fallback only
	if err := sec.Set(SecretAPIKey, "key-for-the-test"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(SecretPath(home, SecretAPIKey)); err != nil || len(b) == 0 {
		t.Fatalf("the secrets file fallback is not at SecretPath: %q, %v", b, err)
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
