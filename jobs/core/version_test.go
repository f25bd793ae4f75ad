package core

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// The contract: `--version` prints `reducto-tray VERSION` and exits 0,
// before anything touches the data folder (package checks run it on a
// machine that never ran the app).
func TestVersionFlagPrintsTheVersionAndTouchesNothing(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	t.Setenv("REDUCTO_TRAY_HOME", home)
	for _, arg := range []string{"--version", "-version"} {
		var out, errOut bytes.Buffer
		code := Main([]string{arg}, Options{Stdout: &out, Stderr: &errOut})
		if code != 0 || out.String() != "reducto-tray "+Version+"\n" || errOut.Len() != 0 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 0, %q, nothing", arg, code, out.String(), errOut.String(), "reducto-tray "+Version+"\n")
		}
	}
	if _, err := os.Stat(home); !os.IsNotExist(err) {
		t.Errorf("--version created or touched the data folder: %v", err)
	}
}

// Version has one source, this package's constant: the packages, the
// Windows resources and `fyne package -app-version` read it from
// core.go, so FyneApp.toml must not carry a second copy that could drift.
func TestVersionHasOneSource(t *testing.T) {
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(Version) {
		t.Errorf("Version %q is not x.y.z (the .deb, .rpm and .msi need that form)", Version)
	}
	toml, err := os.ReadFile(filepath.Join("..", "..", "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`(?m)^\s*Version\s*=.*$`).Find(toml); m != nil {
		t.Errorf("FyneApp.toml has %q: the version lives in jobs/core/core.go only", m)
	}
}
