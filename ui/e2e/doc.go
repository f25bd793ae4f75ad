// Package e2e holds the desktop-level end-to-end tests of Reducto Tray. They
// build the real binary (cgo, GL), run it under Xvfb on a private D-Bus
// session with a fake notification server and tray watcher, and check what a
// user would see: the tray item, the handover to a running instance, the
// history (`reducto-tray jobs --json`) and the notifications.
//
// The tests carry the build tag e2e, so `go test ./...` skips them:
//
//	go test -tags e2e ./ui/e2e/
//	UPDATE_SCREENSHOT=1 go test -tags e2e ./ui/e2e/   # also rewrites docs/screenshot.png
//
// They need Xvfb and dbus-daemon (Debian packages xvfb and dbus) and the
// Fyne build packages (gcc, libgl1-mesa-dev, xorg-dev). Outside CI a
// missing tool skips them; with CI=true it fails them.
package e2e
