package ui

import "context"

// trayHostName is the well-known bus name of the StatusNotifierWatcher:
// tray icons (fyne.io/systray's among them) register with it, and a panel
// that shows them runs it. No owner means no tray icon anywhere on screen.
const trayHostName = "org.kde.StatusNotifierWatcher"

// trayHostWatch reports whether a tray host is present through changed:
// once as soon as it knows, then on every change, from its own goroutine.
// It blocks until ctx ends, and returns an error if it could not watch
// (having reported "no host" first where that is the honest answer).
// Where Fyne's tray needs no host process (Windows, macOS) it reports a
// host at once and returns.
type trayHostWatch func(ctx context.Context, changed func(present bool)) error
