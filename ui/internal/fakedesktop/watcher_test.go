package fakedesktop

import (
	"testing"

	"github.com/godbus/dbus/v5"
)

// TestSetWatcher takes the watcher away and brings it back, as a desktop
// whose panel stops and starts, and checks what a client on the bus sees.
func TestSetWatcher(t *testing.T) {
	d := Start(t)
	client, err := dbus.Connect(d.Address())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	hasOwner := func() bool {
		t.Helper()
		var ok bool
		if err := client.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !hasOwner() {
		t.Fatal("a new desktop has no watcher")
	}
	if err := d.SetWatcher(false); err != nil {
		t.Fatal(err)
	}
	if hasOwner() {
		t.Fatal("SetWatcher(false) left the watcher on the bus")
	}
	if err := d.SetWatcher(false); err != nil {
		t.Fatalf("SetWatcher(false) twice: %v", err)
	}
	if err := d.SetWatcher(true); err != nil {
		t.Fatal(err)
	}
	if !hasOwner() {
		t.Fatal("SetWatcher(true) did not bring the watcher back")
	}
	_ = d.SetWatcher(false)
	d.Reset()
	if !hasOwner() {
		t.Fatal("Reset did not bring the watcher back")
	}
}
