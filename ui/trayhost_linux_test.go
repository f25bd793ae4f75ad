package ui

import (
	"context"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
)

// hostReports runs watchTrayHost on the session bus in the environment and
// returns its reports and its result.
func hostReports(t *testing.T) (reports <-chan bool, done <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	rep := make(chan bool, 16)
	res := make(chan error, 1)
	go func() { res <- watchTrayHost(ctx, func(p bool) { rep <- p }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-res; err != nil {
			t.Errorf("watchTrayHost ended with %v after cancel", err)
		}
	})
	return rep, res
}

func nextReport(t *testing.T, reports <-chan bool, want bool) {
	t.Helper()
	select {
	case got := <-reports:
		if got != want {
			t.Fatalf("tray host reported present=%v, want %v", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no tray host report within 10s (want present=%v)", want)
	}
}

// TestWatchTrayHost detects a tray host over D-Bus: present, absent, one
// that appears later and one that goes away, on a private bus whose fake
// desktop owns (or not) org.kde.StatusNotifierWatcher.
func TestWatchTrayHost(t *testing.T) {
	t.Run("present", func(t *testing.T) {
		d := fakedesktop.Start(t)
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", d.Address())
		reports, _ := hostReports(t)
		nextReport(t, reports, true)
	})
	t.Run("absent, appears later, goes away", func(t *testing.T) {
		d := fakedesktop.Start(t)
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", d.Address())
		if err := d.SetWatcher(false); err != nil {
			t.Fatal(err)
		}
		reports, _ := hostReports(t)
		nextReport(t, reports, false)
		if err := d.SetWatcher(true); err != nil {
			t.Fatal(err)
		}
		nextReport(t, reports, true)
		if err := d.SetWatcher(false); err != nil {
			t.Fatal(err)
		}
		nextReport(t, reports, false)
	})
	t.Run("no session bus", func(t *testing.T) {
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
		rep := make(chan bool, 4)
		err := watchTrayHost(context.Background(), func(p bool) { rep <- p })
		if err == nil {
			t.Fatal("watchTrayHost without a bus returned nil")
		}
		nextReport(t, rep, false)
	})
}
