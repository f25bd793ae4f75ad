package notify

import (
	"fmt"
	"sync"

	"github.com/gen2brain/beeep"
)

// DefaultAppName is the application name desktops show next to every
// notification (the D-Bus app_name on Linux, the toast's app id on Windows).
const DefaultAppName = "Reducto Tray"

// Sender shows one desktop notification. Send may block for as long as the
// desktop takes to answer, possibly for ever; the Notifier bounds that.
type Sender interface {
	Send(title, body string) error
}

// Replacer is a Sender that can update a notification already on screen,
// which is how a burst becomes one summary without waiting to see whether a
// burst follows (org.freedesktop.Notifications' replaces_id).
type Replacer interface {
	Sender
	// Replace shows title and body in place of notification id (0: as a
	// new notification) and returns the id now showing them. It returns 0
	// when what it showed cannot be replaced later (it went out through a
	// path without replaces_id, such as beeep); the Notifier then stops
	// updating that notification.
	Replace(id uint32, title, body string) (uint32, error)
	// Dismiss takes notification id off the screen (CloseNotification):
	// when a third outcome makes a burst, the notifications of the first
	// two give way to the one summary that names all three.
	Dismiss(id uint32) error
}

// beeepMu serialises BeeepSender calls: beeep.AppName is a package global
// read inside beeep.Notify, so two senders with different names (or two
// concurrent calls) would race on it.
var beeepMu sync.Mutex

// BeeepSender sends notifications with gen2brain/beeep: D-Bus
// org.freedesktop.Notifications on Linux (with notify-send and kdialog as
// fallbacks), terminal-notifier/osascript on macOS, toasts on Windows.
type BeeepSender struct {
	// AppName is what the desktop shows as the sender; empty means
	// DefaultAppName.
	AppName string
	// Icon is a PNG image sent inline (the D-Bus image-data hint). It wins
	// over IconPath when both are set.
	Icon []byte
	// IconPath is a PNG file or a freedesktop stock icon name. On Windows
	// Icon is written to a stable file and passed as a path instead: beeep
	// would delete the temporary file it writes for Icon right after the
	// toast is pushed, and the toast's registry entry keeps the path.
	IconPath string
}

// Send shows title and body through beeep. The body is sent verbatim: the
// caller escapes whatever a markup-reading server must not interpret.
func (s BeeepSender) Send(title, body string) error {
	name := s.AppName
	if name == "" {
		name = DefaultAppName
	}
	icon, err := s.iconArg(name)
	if err != nil {
		return fmt.Errorf("beeep notify %q: %w", title, err)
	}
	beeepMu.Lock()
	defer beeepMu.Unlock()
	beeep.AppName = name
	if err := beeep.Notify(title, body, icon); err != nil {
		return fmt.Errorf("beeep notify %q: %w", title, err)
	}
	return nil
}
