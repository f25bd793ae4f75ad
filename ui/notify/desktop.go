package notify

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// DesktopSender is the sender the app uses. Where desktops speak
// org.freedesktop.Notifications (Linux, the BSDs) it calls Notify over a
// D-Bus connection of its own, so a notification can be updated in place
// (Replace, through replaces_id). Where there is no D-Bus (Windows, macOS,
// the nodbus build tag), or when the session bus is missing or the server
// answers with an error, it sends through Fallback (beeep), which shows the
// notification but cannot replace it later.
//
// Use it by pointer: it keeps its connection between notifications.
type DesktopSender struct {
	// AppName is the D-Bus app_name; empty means DefaultAppName.
	AppName string
	// Icon is a PNG image sent inline (the image-data hint).
	Icon []byte
	// IconPath is a PNG file or a freedesktop stock icon name (app_icon).
	IconPath string
	// Fallback shows notifications D-Bus could not; nil means a
	// BeeepSender with the same name and icon.
	Fallback Sender
	// Logger receives the switch to and from the fallback (default
	// slog.Default()).
	Logger *slog.Logger

	mu       sync.Mutex
	bus      *dbusNotifier // nil until first used, and after a broken connection
	degraded error         // why the last notification went through Fallback
	closed   bool          // Close was called
}

// ErrClosed reports a notification asked of a DesktopSender after Close.
var ErrClosed = errors.New("notification sender closed")

// Send shows a new notification; see Replace.
func (s *DesktopSender) Send(title, body string) error {
	_, err := s.Replace(0, title, body)
	return err
}

// Replace shows title and body over D-Bus in place of notification id (0:
// a new one) and returns the id showing them. When D-Bus cannot, it shows
// them through Fallback and returns 0: that notification cannot be updated.
// The error is non-nil only when nothing was shown.
//
// A D-Bus call that never returns (a wedged notification daemon) is not
// abandoned for the fallback: beeep would hang on the same daemon, and a
// late answer would show the notification twice. The Notifier bounds the
// wait instead.
func (s *DesktopSender) Replace(id uint32, title, body string) (uint32, error) {
	if s.isClosed() {
		return 0, ErrClosed
	}
	if !haveDBus {
		return 0, s.fallback().Send(title, body)
	}
	got, err := s.notifyDBus(id, title, body)
	if s.isClosed() {
		// A call cut short by Close: the server may have shown it
		// already, so showing it again through the fallback could
		// make it two.
		return 0, fmt.Errorf("%w: %w", ErrClosed, err)
	}
	if err == nil && got != 0 {
		s.setDegraded(nil)
		return got, nil
	}
	if err == nil {
		err = fmt.Errorf("notification server returned id 0")
	}
	s.setDegraded(err)
	if ferr := s.fallback().Send(title, body); ferr != nil {
		return 0, fmt.Errorf("%w; fallback: %w", err, ferr)
	}
	return 0, nil
}

// Dismiss takes notification id, shown by Replace, off the screen over
// D-Bus (CloseNotification). Without D-Bus nothing was shown with an id,
// so there is nothing to take back.
func (s *DesktopSender) Dismiss(id uint32) error {
	if s.isClosed() {
		return ErrClosed
	}
	if !haveDBus || id == 0 {
		return nil
	}
	return s.closeDBus(id)
}

// Close closes the D-Bus connection, if any; later notifications fail with
// ErrClosed and a call in flight is not retried through the fallback.
func (s *DesktopSender) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return s.closeBus()
}

func (s *DesktopSender) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Degraded returns why notifications currently go through the fallback, or
// nil when D-Bus works (or the platform has none, where beeep is the
// normal path).
func (s *DesktopSender) Degraded() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.degraded
}

func (s *DesktopSender) setDegraded(err error) {
	s.mu.Lock()
	was := s.degraded
	s.degraded = err
	s.mu.Unlock()
	switch {
	case err != nil && was == nil:
		s.logger().Warn("D-Bus notifications failed; using beeep, which cannot update a notification in place", "err", err)
	case err == nil && was != nil:
		s.logger().Info("D-Bus notifications work again")
	}
}

func (s *DesktopSender) appName() string {
	if s.AppName == "" {
		return DefaultAppName
	}
	return s.AppName
}

func (s *DesktopSender) fallback() Sender {
	if s.Fallback != nil {
		return s.Fallback
	}
	return BeeepSender{AppName: s.appName(), Icon: s.Icon, IconPath: s.IconPath}
}

func (s *DesktopSender) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
