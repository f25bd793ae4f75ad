//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"github.com/godbus/dbus/v5"
	xdraw "golang.org/x/image/draw"
)

// haveDBus is true where desktops speak org.freedesktop.Notifications (the
// same platforms on which beeep uses D-Bus).
const haveDBus = true

const (
	notificationsName   = "org.freedesktop.Notifications"
	notificationsPath   = dbus.ObjectPath("/org/freedesktop/Notifications")
	notificationsNotify = notificationsName + ".Notify"
	notificationsClose  = notificationsName + ".CloseNotification"
	// expireDefault lets the server (and the user's settings) decide how
	// long a notification stays, as the spec's -1 asks.
	expireDefault = int32(-1)
	urgencyNormal = byte(1)
)

// dbusNotifier is a private connection to the session bus. Private, not
// godbus' shared dbus.SessionBus(): another library closing the shared one
// (fyne.io/systray does when it ends) must not break notifications, and a
// private connection can be dropped and dialled again after a failure.
type dbusNotifier struct {
	conn  *dbus.Conn
	obj   dbus.BusObject
	hints map[string]dbus.Variant
}

func (s *DesktopSender) notifyDBus(id uint32, title, body string) (uint32, error) {
	b, err := s.dbus()
	if err != nil {
		return 0, err
	}
	call := b.obj.Call(notificationsNotify, 0, s.appName(), id, s.IconPath, title, body,
		[]string{}, b.hints, expireDefault)
	if call.Err != nil {
		if !b.conn.Connected() {
			s.drop(b)
		}
		return 0, fmt.Errorf("d-bus Notify %q: %w", title, call.Err)
	}
	var got uint32
	if err := call.Store(&got); err != nil {
		return 0, fmt.Errorf("d-bus Notify %q reply: %w", title, err)
	}
	return got, nil
}

func (s *DesktopSender) closeDBus(id uint32) error {
	b, err := s.dbus()
	if err != nil {
		return err
	}
	if call := b.obj.Call(notificationsClose, 0, id); call.Err != nil {
		if !b.conn.Connected() {
			s.drop(b)
		}
		return fmt.Errorf("d-bus CloseNotification %d: %w", id, call.Err)
	}
	return nil
}

// dbus returns the connection, dialling it on first use.
func (s *DesktopSender) dbus() (*dbusNotifier, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if s.bus != nil {
		return s.bus, nil
	}
	// NoAutoStartup: without a session bus godbus would otherwise spawn
	// dbus-launch, a daemon nobody reads, just to find no notification
	// server on it.
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return nil, fmt.Errorf("connect to the session bus: %w", err)
	}
	if err := conn.Auth(nil); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("authenticate on the session bus: %w", err)
	}
	if err := conn.Hello(); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("hello on the session bus: %w", err)
	}
	s.bus = &dbusNotifier{
		conn:  conn,
		obj:   conn.Object(notificationsName, notificationsPath),
		hints: s.hints(),
	}
	return s.bus, nil
}

// drop forgets a broken connection so that the next notification dials
// again.
func (s *DesktopSender) drop(b *dbusNotifier) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bus == b {
		s.bus = nil
	}
	_ = b.conn.Close()
}

func (s *DesktopSender) closeBus() error {
	s.mu.Lock()
	b := s.bus
	s.bus = nil
	s.mu.Unlock()
	if b == nil {
		return nil
	}
	return b.conn.Close()
}

// hints are the same for every notification: normal urgency and the icon,
// decoded once.
func (s *DesktopSender) hints() map[string]dbus.Variant {
	h := map[string]dbus.Variant{"urgency": dbus.MakeVariant(urgencyNormal)}
	if len(s.Icon) == 0 {
		return h
	}
	img, err := imageData(s.Icon)
	if err != nil {
		s.logger().Warn("notification icon not shown", "err", err)
		return h
	}
	h["image-data"] = dbus.MakeVariant(img)
	return h
}

// imageHint is the spec's image-data structure, (iiibiiay).
type imageHint struct {
	Width, Height, RowStride int32
	HasAlpha                 bool
	BitsPerSample, Channels  int32
	Data                     []byte
}

// iconPixels is the largest side of the image-data sent with every
// notification. godbus encodes an array of bytes one reflected byte at a
// time, and the server decodes it again: the app's 512 px icon (1 MiB of
// pixels) cost about 110 ms to encode per notification, and half a second
// or more from a webhook's 204 to the server's Notify
// (BenchmarkWebhookToNotify, docs/benchmarks.md). Servers show the image
// at 48-64 px, so 64 px (16 KiB) looks the same and costs about 2 ms.
const iconPixels = 64

func imageData(pngBytes []byte) (imageHint, error) {
	src, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		return imageHint{}, fmt.Errorf("decode notification icon: %w", err)
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if side := max(w, h); side > iconPixels {
		w, h = max(w*iconPixels/side, 1), max(h*iconPixels/side, 1)
	}
	rgba := image.NewNRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(rgba, rgba.Bounds(), src, b, xdraw.Src, nil)
	return imageHint{
		Width: int32(w), Height: int32(h), RowStride: int32(rgba.Stride),
		HasAlpha: true, BitsPerSample: 8, Channels: 4, Data: rgba.Pix,
	}, nil
}
