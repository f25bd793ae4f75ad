package ui

import (
	"context"
	"fmt"

	"github.com/godbus/dbus/v5"
)

// watchTrayHost watches the session bus for the owner of
// org.kde.StatusNotifierWatcher. It uses a connection of its own, not the
// process-wide dbus.SessionBus(): fyne.io/systray closes that one when the
// tray ends, and this watch must not depend on who else uses the bus.
func watchTrayHost(ctx context.Context, changed func(present bool)) error {
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		// No session bus: systray cannot show an icon either.
		changed(false)
		return fmt.Errorf("tray host: connect to the session bus: %w", err)
	}
	defer conn.Close()
	// Subscribe before asking, so an owner that comes or goes in between
	// is not missed.
	if err := conn.AddMatchSignal(
		dbus.WithMatchSender("org.freedesktop.DBus"),
		dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"),
		dbus.WithMatchArg(0, trayHostName),
	); err != nil {
		changed(false)
		return fmt.Errorf("tray host: watch %s: %w", trayHostName, err)
	}
	signals := make(chan *dbus.Signal, 16)
	conn.Signal(signals)
	var present bool
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, trayHostName).Store(&present); err != nil {
		changed(false)
		return fmt.Errorf("tray host: ask for %s: %w", trayHostName, err)
	}
	changed(present)
	for {
		select {
		case <-ctx.Done():
			return nil
		case sig, ok := <-signals:
			if !ok {
				// The connection is bound to ctx: a cancel closes it, and
				// this case can win the select over ctx.Done.
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("tray host: the session bus connection closed")
			}
			var name, oldOwner, newOwner string
			if sig.Name != "org.freedesktop.DBus.NameOwnerChanged" || dbus.Store(sig.Body, &name, &oldOwner, &newOwner) != nil || name != trayHostName {
				continue
			}
			if now := newOwner != ""; now != present {
				present = now
				changed(present)
			}
		}
	}
}
