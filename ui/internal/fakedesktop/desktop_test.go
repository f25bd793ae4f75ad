package fakedesktop

import (
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"
)

// systrayUnused is true until a test has started systray.
var systrayUnused = func() *atomic.Bool { var b atomic.Bool; b.Store(true); return &b }()

// TestMain puts systray (which, like beeep, uses the cached session bus) on
// the shared private bus.
func TestMain(m *testing.M) { Main(m) }

// TestTrayItemThroughSystray registers a real fyne.io/systray item (the
// library Fyne's tray uses on Linux) and reads it back as a panel would.
func TestTrayItemThroughSystray(t *testing.T) {
	d := Shared(t)
	if !systrayUnused.CompareAndSwap(true, false) {
		t.Skip("fyne.io/systray keeps global state and starts once per process (-count > 1)")
	}
	open := make(chan *systray.MenuItem, 1)
	start, end := systray.RunWithExternalLoop(func() {
		systray.SetTitle("Fake App")
		systray.SetTooltip("all quiet")
		open <- systray.AddMenuItem("Open", "")
		systray.AddSeparator()
		systray.AddMenuItem("Quit", "")
	}, nil)
	start()
	// Not ended: systray's end closes the process-wide session bus.
	_ = end
	item := <-open

	it, err := d.WaitTrayItem(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if title, err := it.Title(); err != nil || title != "Fake App" {
		t.Errorf("Title() = %q, %v; want Fake App", title, err)
	}
	if tip, err := it.ToolTip(); err != nil || tip != "all quiet" {
		t.Errorf("ToolTip() = %q, %v; want all quiet", tip, err)
	}
	labels, err := it.MenuLabels()
	if err != nil || !reflect.DeepEqual(labels, []string{"Open", "Quit"}) {
		t.Fatalf("MenuLabels() = %q, %v; want [Open Quit]", labels, err)
	}
	entries, _ := it.Menu()
	if len(entries) != 3 || entries[1].Type != "separator" {
		t.Errorf("Menu() = %+v, want Open, separator, Quit", entries)
	}
	// systray drops a click nobody is receiving at that instant, so click
	// until the receiver, started first, has caught one.
	clicked := make(chan struct{})
	go func() {
		<-item.ClickedCh
		close(clicked)
	}()
	deadline := time.After(10 * time.Second)
	for done := false; !done; {
		if err := it.ClickMenu("Open"); err != nil {
			t.Fatal(err)
		}
		select {
		case <-clicked:
			done = true
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatal("clicking Open did not reach the app")
		}
	}
	if err := it.ClickMenu("Missing"); err == nil {
		t.Error("ClickMenu(Missing) succeeded")
	}

	var names []string
	err = d.Conn().Object(watcherName, watcherPath).StoreProperty(watcherName+".RegisteredStatusNotifierItems", &names)
	if err != nil || len(names) != 1 {
		t.Errorf("RegisteredStatusNotifierItems = %v, %v; want one item", names, err)
	}
}

func TestHangModeHoldsAndReleases(t *testing.T) {
	d := Shared(t)
	d.SetNotifyHang(true)
	conn, err := dbus.Connect(d.Address())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	call := conn.Object(notificationsName, notificationsPath).Go(notificationsName+".Notify", 0, nil,
		"app", uint32(0), "", "held", "body", []string{}, map[string]dbus.Variant{}, int32(5000))
	if err := d.WaitBlocked(1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	select {
	case <-call.Done:
		t.Fatal("Notify answered in hang mode")
	default:
	}
	d.SetNotifyHang(false)
	select {
	case c := <-call.Done:
		if c.Err != nil {
			t.Fatal(c.Err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Notify still held after hang mode ended")
	}
	got, err := d.WaitNotifications(1, time.Second)
	if err != nil || got[0].Summary != "held" || got[0].AppName != "app" {
		t.Fatalf("got %+v, %v", got, err)
	}
	var caps []string
	if err := conn.Object(notificationsName, notificationsPath).Call(notificationsName+".GetCapabilities", 0).Store(&caps); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(caps[:2], []string{"body", "body-markup"}) {
		t.Errorf("capabilities %v lack body-markup", caps)
	}
}
