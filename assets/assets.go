// Package assets holds Reducto Tray's icons as embedded PNG bytes. It does
// not import Fyne: the ui package wraps the bytes in fyne.StaticResource, and
// main can hand the same bytes to anything else that wants them.
//
// The PNGs are drawn by gen_icons.go (`go generate ./assets`), committed, and
// never generated at build time.
package assets

//go:generate go run gen_icons.go -out .

import _ "embed"

// Icon is the 512 px application icon (also FyneApp.toml's Icon).
//
//go:embed icon.png
var Icon []byte

// TrayIdle is the tray icon when no job is in flight.
//
//go:embed tray_idle.png
var TrayIdle []byte

// TrayRunning is the tray icon while jobs upload or run.
//
//go:embed tray_running.png
var TrayRunning []byte

// TrayAttention is the tray icon when something needs the user: a job failed
// while the window was hidden, or notifications cannot be shown.
//
//go:embed tray_attention.png
var TrayAttention []byte

// TrayPaused is the tray icon while notifications are paused.
//
//go:embed tray_paused.png
var TrayPaused []byte

// DesktopFileName is the name of the freedesktop entry shipped beside the
// icons (ai.reducto.tray.desktop).
const DesktopFileName = "ai.reducto.tray.desktop"

// DesktopEntry is the freedesktop .desktop entry, with the MIME types the app
// opens; the autostart helper writes a copy of it.
//
//go:embed ai.reducto.tray.desktop
var DesktopEntry []byte
