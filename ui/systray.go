package ui

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // the tray icons are PNGs, decoded for Windows' ICO
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/systray"
	"github.com/fyne-io/image/ico"
)

// trayHost shows the tray icon and its menu.
type trayHost interface {
	SetMenu(m *fyne.Menu)
	SetIcon(r fyne.Resource)
}

// systrayHost is the tray through fyne.io/systray itself rather than Fyne's
// desktop.App tray methods: once a tray menu is set, Fyne's driver opens a
// hidden window with its own OpenGL context (about 6 MiB of an idle app's
// memory, docs/benchmarks.md "Idle footprint") only to hear of a quit
// request, which the menu's own Quit item and the window's close already
// cover. What it does besides is repeated here: the icon in the form each
// platform takes, the menu rebuilt on each change, each item's clicks run
// on the main goroutine.
type systrayHost struct {
	run  func(func()) // runs an item's action on the main goroutine
	menu *fyne.Menu
	icon fyne.Resource
	// ready is set once systray has started: a menu set before then is
	// lost (systray exports it when it starts), so it is set again.
	ready bool
}

// newSystray makes the tray; it shows nothing until start is called, which
// SetupTray leaves to the app's loop (on Linux systray's loop is D-Bus; on
// Windows and macOS its window lives on the main thread, whose loop Fyne
// runs). tapped runs when the icon itself is clicked; run runs item
// actions on the main goroutine. Call it on the main goroutine, and stop
// once the app's loop has ended: on Windows that removes the icon, which
// would otherwise linger in the notification area until the pointer
// passes over it.
func newSystray(run func(func()), tapped func()) (h *systrayHost, start, stop func()) {
	h = &systrayHost{run: run}
	start, end := systray.RunWithExternalLoop(func() {
		run(func() {
			h.ready = true
			h.apply()
		})
	}, nil)
	systray.SetOnTapped(func() { run(tapped) })
	stop = func() {
		// Elsewhere the panel drops the icon with the process (its bus
		// name, its status item); and on Linux systray's end closes a D-Bus
		// connection it never had when there was no session bus, a nil
		// dereference.
		if runtime.GOOS == "windows" {
			end()
		}
	}
	return h, start, stop
}

// SetMenu shows m as the tray's menu. Main goroutine.
func (h *systrayHost) SetMenu(m *fyne.Menu) {
	h.menu = m
	if h.ready {
		systray.ResetMenu()
		h.addItems(m.Items, nil)
	}
}

// SetIcon shows r as the tray's icon. Main goroutine.
func (h *systrayHost) SetIcon(r fyne.Resource) {
	h.icon = r
	if h.ready {
		h.setIcon()
	}
}

func (h *systrayHost) apply() {
	if h.icon != nil {
		h.setIcon()
	}
	if h.menu != nil {
		h.SetMenu(h.menu)
	}
}

func (h *systrayHost) setIcon() {
	img, err := trayIconBytes(runtime.GOOS, h.icon.Content())
	if err != nil {
		fyne.LogError("tray icon "+h.icon.Name(), err)
		return
	}
	systray.SetIcon(img)
}

// trayIconBytes is a PNG icon in the form goos's tray takes: Windows wants
// an ICO, the others the PNG itself.
func trayIconBytes(goos string, png []byte) ([]byte, error) {
	if goos != "windows" {
		return png, nil
	}
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		return nil, fmt.Errorf("decode tray icon: %w", err)
	}
	var b bytes.Buffer
	if err := ico.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("encode tray icon as ICO: %w", err)
	}
	return b.Bytes(), nil
}

// addItems adds items to the menu under parent (nil: the top level).
func (h *systrayHost) addItems(items []*fyne.MenuItem, parent *systray.MenuItem) {
	for _, it := range items {
		if it.IsSeparator {
			if parent != nil {
				parent.AddSeparator()
			} else {
				systray.AddSeparator()
			}
			continue
		}
		var item *systray.MenuItem
		if parent != nil {
			item = parent.AddSubMenuItem(it.Label, "")
		} else {
			item = systray.AddMenuItem(it.Label, "")
		}
		if it.Disabled {
			item.Disable()
		}
		if it.ChildMenu != nil {
			h.addItems(it.ChildMenu.Items, item)
		}
		// ResetMenu closes ClickedCh, which ends this goroutine.
		go func(action func()) {
			for range item.ClickedCh {
				if action != nil {
					h.run(action)
				}
			}
		}(it.Action)
	}
}
