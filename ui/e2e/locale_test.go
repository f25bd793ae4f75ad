//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestCLIQuietUnderCLocale runs the CLI of the built binary under the C
// locales of servers and containers: Fyne must not complain about them
// ("Fyne error: Error parsing user locale C", three lines, before every
// command under C.UTF-8 until localeenv set LANGUAGE first).
func TestCLIQuietUnderCLocale(t *testing.T) {
	bin := appBinary(t)
	for _, locale := range []string{"C", "C.UTF-8", "C.utf8"} {
		for _, args := range [][]string{{"--help"}, {"jobs", "--json"}} {
			t.Run(locale+" "+strings.Join(args, " "), func(t *testing.T) {
				home := t.TempDir()
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, bin, args...)
				cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "REDUCTO_TRAY_HOME=" + home,
					"XDG_CONFIG_HOME=" + home, "LANG=" + locale}
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				if strings.Contains(stderr.String(), "Fyne error") || strings.Contains(stdout.String(), "Fyne error") {
					t.Fatalf("LANG=%s %v: Fyne complained:\n%s%s", locale, args, stderr.String(), stdout.String())
				}
				if args[0] == "jobs" {
					var list []json.RawMessage
					if err != nil || json.Unmarshal(stdout.Bytes(), &list) != nil || len(list) != 0 {
						t.Fatalf("jobs --json: %v, stdout %q, stderr %q; want [] and exit 0", err, stdout.String(), stderr.String())
					}
				} else if !strings.Contains(strings.ToLower(stdout.String()+stderr.String()), "usage") {
					t.Fatalf("--help printed no usage: %q %q", stdout.String(), stderr.String())
				}
			})
		}
	}
}
