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
	if !strings.Contains(string(data), `Exec="/opt/my apps/reducto-tray"`) || !Enabled(id) {
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
