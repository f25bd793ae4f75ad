package fakedesktop

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

const (
	watcherName  = "org.kde.StatusNotifierWatcher"
	watcherPath  = dbus.ObjectPath("/StatusNotifierWatcher")
	defaultItem  = dbus.ObjectPath("/StatusNotifierItem")
	itemIface    = "org.kde.StatusNotifierItem"
	dbusmenuIntf = "com.canonical.dbusmenu"
)

// watcher is the exported org.kde.StatusNotifierWatcher: it says a host is
// present (so tray libraries register instead of falling back) and records
// every registration.
type watcher struct {
	mu      sync.Mutex
	items   []TrayItem
	changed chan struct{}
	props   *prop.Properties
	conn    *dbus.Conn
	gone    bool // the name is released: a desktop without a tray host
}

func exportWatcher(conn *dbus.Conn) (*watcher, error) {
	w := &watcher{changed: make(chan struct{}), conn: conn}
	if err := conn.Export(w, watcherPath, watcherName); err != nil {
		return nil, fmt.Errorf("export %s: %w", watcherName, err)
	}
	props, err := prop.Export(conn, watcherPath, prop.Map{
		watcherName: {
			"IsStatusNotifierHostRegistered": {Value: true, Emit: prop.EmitTrue},
			"RegisteredStatusNotifierItems":  {Value: []string{}, Emit: prop.EmitTrue},
			"ProtocolVersion":                {Value: int32(0), Emit: prop.EmitTrue},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("export %s properties: %w", watcherName, err)
	}
	w.props = props
	if err := claim(conn, watcherName); err != nil {
		return nil, err
	}
	return w, nil
}

// RegisterStatusNotifierItem is the watcher method. Per the spec the
// argument is a bus name, or (as fyne.io/systray and libappindicator send)
// an object path on the caller's connection.
func (w *watcher) RegisterStatusNotifierItem(service string, sender dbus.Sender) *dbus.Error {
	item := TrayItem{Bus: string(sender), Path: defaultItem}
	if strings.HasPrefix(service, "/") {
		item.Path = dbus.ObjectPath(service)
	} else if service != "" {
		item.Bus = service
	}
	item.conn = w.conn
	w.mu.Lock()
	w.items = append(w.items, item)
	names := make([]string, len(w.items))
	for i, it := range w.items {
		names[i] = it.Bus + string(it.Path)
	}
	close(w.changed)
	w.changed = make(chan struct{})
	w.mu.Unlock()
	w.props.SetMust(watcherName, "RegisteredStatusNotifierItems", names)
	_ = w.conn.Emit(watcherPath, watcherName+".StatusNotifierItemRegistered", item.Bus+string(item.Path))
	return nil
}

// RegisterStatusNotifierHost is accepted: the fake is its own host.
func (w *watcher) RegisterStatusNotifierHost(service string) *dbus.Error { return nil }

func (w *watcher) reset() {
	w.mu.Lock()
	w.items = nil
	w.mu.Unlock()
	// Claiming a released name on our own connection cannot fail short of
	// a dead bus, which every later call would report anyway.
	_ = w.setPresent(true)
}

// SetWatcher makes the desktop one with a tray host (present, the default:
// org.kde.StatusNotifierWatcher is owned) or without one (the name is
// released, as on GNOME without the AppIndicator extension). Each change
// is a NameOwnerChanged signal on the bus, as when a panel starts or
// stops. Reset restores the watcher.
func (d *Desktop) SetWatcher(present bool) error { return d.watcher.setPresent(present) }

func (w *watcher) setPresent(present bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if present != w.gone {
		return nil
	}
	if present {
		if err := claim(w.conn, watcherName); err != nil {
			return err
		}
	} else {
		reply, err := w.conn.ReleaseName(watcherName)
		if err != nil {
			return fmt.Errorf("release name %s: %w", watcherName, err)
		}
		if reply != dbus.ReleaseNameReplyReleased {
			return fmt.Errorf("release name %s: not released (reply %d)", watcherName, reply)
		}
	}
	w.gone = !present
	return nil
}

// WaitTrayItem waits for the first tray item to register.
func (d *Desktop) WaitTrayItem(timeout time.Duration) (TrayItem, error) {
	w := d.watcher
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		w.mu.Lock()
		items, changed := w.items, w.changed
		w.mu.Unlock()
		if len(items) > 0 {
			return items[0], nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return TrayItem{}, fmt.Errorf("no tray item registered within %s", timeout)
		}
	}
}
