package fakedesktop

import (
	"fmt"
	"os"
	"testing"
)

// shared is the process-wide desktop started by Main.
var (
	shared    *Desktop
	sharedErr error
)

// Main is a TestMain for packages whose code under test talks to the
// session bus itself (beeep, fyne): it starts one desktop, sets
// DBUS_SESSION_BUS_ADDRESS before any test runs (godbus caches
// dbus.SessionBus() for the life of the process), runs the tests, closes the
// desktop and exits. Tests get the desktop from Shared.
//
//	func TestMain(m *testing.M) { fakedesktop.Main(m) }
func Main(m *testing.M) {
	shared, sharedErr = New()
	if sharedErr == nil {
		if err := os.Setenv("DBUS_SESSION_BUS_ADDRESS", shared.Address()); err != nil {
			fmt.Fprintln(os.Stderr, "fakedesktop:", err)
			shared.Close()
			os.Exit(1)
		}
	} else if os.Getenv("CI") == "true" {
		fmt.Fprintln(os.Stderr, "fakedesktop: unavailable in CI:", sharedErr)
		os.Exit(1)
	}
	code := m.Run()
	if shared != nil {
		shared.Close()
	}
	os.Exit(code)
}

// Shared returns the desktop Main started, reset for this test (recorded
// notifications and registrations cleared, hang mode off). It skips the test
// when dbus-daemon is missing outside CI.
func Shared(t testing.TB) *Desktop {
	t.Helper()
	if sharedErr != nil {
		SkipOrFail(t, sharedErr)
	}
	if shared == nil {
		t.Fatal("fakedesktop.Shared needs fakedesktop.Main in the package's TestMain")
	}
	shared.Reset()
	t.Cleanup(shared.Reset)
	return shared
}
