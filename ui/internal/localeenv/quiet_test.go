package localeenv_test

// An external test package: were this file in package localeenv, its import
// of Fyne's lang would become the package's own import, and lang would be
// initialised first, as a dependency. Here both are imports of the test
// package, ordered by the rule the package comment relies on, as in the app.

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	_ "github.com/reductotray/reducto-tray/ui/internal/localeenv"
)

// helperEnv marks the child process of TestQuietUnderCLocale.
const helperEnv = "LOCALEENV_TEST_CHILD"

// TestQuietUnderCLocale runs this test binary again under each C locale, in
// a child that uses Fyne's lang package the way the app does, and checks
// that Fyne says nothing on stderr and picks English. It is the package
// comment's claim about init order, checked: without this package's init
// the child prints "Fyne error: Error parsing user locale C".
func TestQuietUnderCLocale(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		// The child: lang's init already ran; SystemLocale and L run
		// the same parse again, as widgets do at run time.
		os.Stdout.WriteString(lang.SystemLocale().LanguageString() + " " + lang.L("Quit") + "\n")
		return
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("the locale comes from the OS, not the environment, here")
	}
	for _, locale := range []string{"C", "C.UTF-8", "C.utf8", "POSIX.UTF-8"} {
		t.Run(locale, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestQuietUnderCLocale$", "-test.count=1")
			cmd.Env = []string{helperEnv + "=1", "LANG=" + locale, "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("child: %v\n%s%s", err, out, stderr.String())
			}
			if strings.Contains(stderr.String(), "Fyne error") || strings.Contains(string(out), "Fyne error") {
				t.Errorf("LANG=%s: Fyne complained:\n%s%s", locale, out, stderr.String())
			}
			if !strings.HasPrefix(string(out), "en Quit\n") {
				t.Errorf("LANG=%s: locale and Quit label = %q, want English (en Quit)", locale, out)
			}
		})
	}
}
