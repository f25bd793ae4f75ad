//go:build !windows

package autostart

import (
	"os"
	"strings"
	"testing"
)

func TestEnableDisable(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	const id = "ai.reducto.tray"
	if Enabled(id) {
		t.Fatal("enabled before Enable")
	}
	if err := Enable(id, "Reducto Tray", "/opt/my apps/reducto-tray"); err != nil {
		t.Fatal(err)
	}
	p, _ := Path(id)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// TryExec (unquoted: it is a plain string) makes the entry inert once
	// the program is uninstalled.
	if !strings.Contains(string(data), "\nExec=\"/opt/my apps/reducto-tray\"\n") ||
		!strings.Contains(string(data), "\nTryExec=/opt/my apps/reducto-tray\n") || !Enabled(id) {
		t.Fatalf("entry = %s", data)
	}
	if err := Disable(id); err != nil {
		t.Fatal(err)
	}
	if Enabled(id) {
		t.Fatal("still enabled after Disable")
	}
	if err := Disable(id); err != nil {
		t.Fatalf("second Disable: %v", err)
	}
}
