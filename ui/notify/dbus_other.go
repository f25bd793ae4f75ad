//go:build !(linux || freebsd || netbsd || openbsd || illumos) || nodbus

package notify

import "errors"

// haveDBus is false where desktops do not speak
// org.freedesktop.Notifications: beeep is the only path there.
const haveDBus = false

// dbusNotifier is never created without D-Bus.
type dbusNotifier struct{}

func (s *DesktopSender) notifyDBus(uint32, string, string) (uint32, error) {
	return 0, errors.New("no D-Bus notifications on this platform")
}

func (s *DesktopSender) closeDBus(uint32) error { return nil }

func (s *DesktopSender) closeBus() error { return nil }
