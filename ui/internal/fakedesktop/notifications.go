package fakedesktop

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	notificationsName = "org.freedesktop.Notifications"
	notificationsPath = dbus.ObjectPath("/org/freedesktop/Notifications")
)

// Notification is one org.freedesktop.Notifications.Notify call the fake
// server answered. A call with ReplacesID set updates that notification in
// place: ID is then the same as ReplacesID, as the specification requires.
type Notification struct {
	ID         uint32 // the id the server returned
	AppName    string
	ReplacesID uint32
	Icon       string
	Summary    string // the title
	Body       string
	Actions    []string
	Hints      map[string]dbus.Variant
	Timeout    int32 // expire timeout in ms
	Sender     string
	At         time.Time // when the server received the call (for latency benchmarks)
}

// notificationServer is the exported org.freedesktop.Notifications object.
type notificationServer struct {
	mu      sync.Mutex
	nextID  uint32
	got     []Notification
	changed chan struct{} // closed and replaced whenever got or blocked changes
	gate    chan struct{} // non-nil while Notify hangs; closed to release
	blocked int           // Notify calls currently held by the gate
	gen     int           // bumped by reset: calls held across it are dropped
	failing bool          // Notify answers with an error (SetNotifyFail)
	closed  chan struct{}
	// dismissed are the ids taken off the screen with CloseNotification
	// (and not shown again since), in the order of the calls.
	dismissed []uint32
}

func exportNotifications(conn *dbus.Conn) (*notificationServer, error) {
	s := &notificationServer{changed: make(chan struct{}), closed: make(chan struct{})}
	if err := conn.Export(s, notificationsPath, notificationsName); err != nil {
		return nil, fmt.Errorf("export %s: %w", notificationsName, err)
	}
	if err := claim(conn, notificationsName); err != nil {
		return nil, err
	}
	return s, nil
}

func claim(conn *dbus.Conn, name string) error {
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil {
		return fmt.Errorf("request name %s: %w", name, err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		return fmt.Errorf("request name %s: not primary owner (reply %d)", name, reply)
	}
	return nil
}

// signal wakes every waiter; callers hold s.mu.
func (s *notificationServer) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Notify is org.freedesktop.Notifications.Notify. In hang mode it does not
// answer until hang mode ends or the desktop closes, like a wedged
// notification daemon.
func (s *notificationServer) Notify(app string, replaces uint32, icon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32, sender dbus.Sender) (uint32, *dbus.Error) {
	at := time.Now()
	s.mu.Lock()
	gate, gen := s.gate, s.gen
	if gate != nil {
		s.blocked++
		s.signal()
	}
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-s.closed:
			return 0, dbus.MakeFailedError(fmt.Errorf("fake notification server closed"))
		}
		s.mu.Lock()
		s.blocked--
		s.mu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen {
		// Held across a Reset: it belongs to a finished test.
		return 0, dbus.MakeFailedError(fmt.Errorf("fake notification server was reset"))
	}
	if s.failing {
		return 0, dbus.MakeFailedError(fmt.Errorf("fake notification server set to fail"))
	}
	// The spec: a non-zero replaces_id is answered with that same id, and
	// the notification is updated in place (servers show a replaced id that
	// has already expired as a new one, under the same id).
	id := replaces
	if id == 0 {
		s.nextID++
		id = s.nextID
	}
	s.dismissed = slices.DeleteFunc(s.dismissed, func(d uint32) bool { return d == id })
	s.got = append(s.got, Notification{
		ID: id, AppName: app, ReplacesID: replaces, Icon: icon, Summary: summary, Body: body,
		Actions: actions, Hints: hints, Timeout: timeout, Sender: string(sender), At: at,
	})
	s.signal()
	return id, nil
}

// GetCapabilities advertises body-markup so that clients escape as they
// must for real servers such as dunst and GNOME Shell.
func (s *notificationServer) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"body", "body-markup", "actions", "icon-static"}, nil
}

// GetServerInformation is org.freedesktop.Notifications.GetServerInformation.
func (s *notificationServer) GetServerInformation() (name, vendor, version, specVersion string, err *dbus.Error) {
	return "fakedesktop", "reducto-tray tests", "1.0", "1.2", nil
}

// CloseNotification takes a notification off the (imagined) screen:
// Shown leaves it out from then on.
func (s *notificationServer) CloseNotification(id uint32) *dbus.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dismissed = append(s.dismissed, id)
	s.signal()
	return nil
}

func (s *notificationServer) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
}

func (s *notificationServer) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = nil
	s.dismissed = nil
	s.failing = false
	s.gen++
	if s.gate != nil {
		close(s.gate)
		s.gate = nil
	}
	s.signal()
}

// SetNotifyHang makes Notify stop answering (true) or answer again (false).
// Calls held while hanging are answered, and recorded, when it is turned
// off; Close fails them.
func (d *Desktop) SetNotifyHang(hang bool) {
	s := d.notifications
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case hang && s.gate == nil:
		s.gate = make(chan struct{})
	case !hang && s.gate != nil:
		close(s.gate)
		s.gate = nil
	}
}

// SetNotifyFail makes Notify answer with a D-Bus error (true), as a broken
// server would, showing and recording nothing; false restores it.
func (d *Desktop) SetNotifyFail(fail bool) {
	s := d.notifications
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = fail
}

// Notifications returns a copy of every Notify call answered so far, updates
// in place included; Shown folds updates into the notification they replace.
func (d *Desktop) Notifications() []Notification {
	s := d.notifications
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Notification(nil), s.got...)
}

// WaitNotifications waits until at least n notifications were answered and
// returns all of them; after timeout it returns what arrived and an error.
func (d *Desktop) WaitNotifications(n int, timeout time.Duration) ([]Notification, error) {
	s := d.notifications
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := append([]Notification(nil), s.got...), s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return got, fmt.Errorf("got %d notifications within %s, want %d", len(got), timeout, n)
		}
	}
}

// Shown returns what a desktop would show: one entry per notification id, in
// the order the ids first appeared, each with the text of its latest update,
// without those taken off the screen with CloseNotification.
func (d *Desktop) Shown() []Notification {
	s := d.notifications
	s.mu.Lock()
	calls, gone := append([]Notification(nil), s.got...), slices.Clone(s.dismissed)
	s.mu.Unlock()
	return slices.DeleteFunc(Fold(calls), func(n Notification) bool { return slices.Contains(gone, n.ID) })
}

// Dismissed returns the ids taken off the screen with CloseNotification and
// not shown again since, in the order of the calls.
func (d *Desktop) Dismissed() []uint32 {
	s := d.notifications
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.dismissed)
}

// Fold reduces Notify calls to one entry per id (see Shown).
func Fold(calls []Notification) []Notification {
	var out []Notification
	index := make(map[uint32]int)
	for _, n := range calls {
		if i, ok := index[n.ID]; ok {
			out[i] = n
			continue
		}
		index[n.ID] = len(out)
		out = append(out, n)
	}
	return out
}

// WaitFor waits until done, given every Notify call answered so far, returns
// true, and returns those calls; after timeout it returns them and an error.
func (d *Desktop) WaitFor(done func(calls []Notification) bool, timeout time.Duration) ([]Notification, error) {
	s := d.notifications
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := append([]Notification(nil), s.got...), s.changed
		s.mu.Unlock()
		if done(got) {
			return got, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return got, fmt.Errorf("condition not met within %s after %d Notify calls", timeout, len(got))
		}
	}
}

// WaitCall waits until at least n Notify calls were answered and returns the
// n-th (1-based) without copying the others, for benchmarks that wait for
// every call in turn.
func (d *Desktop) WaitCall(n int, timeout time.Duration) (Notification, error) {
	s := d.notifications
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		count, changed := len(s.got), s.changed
		var got Notification
		if count >= n {
			got = s.got[n-1]
		}
		s.mu.Unlock()
		if count >= n {
			return got, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return Notification{}, fmt.Errorf("%d Notify calls within %s, want %d", count, timeout, n)
		}
	}
}

// ExpectNoMore waits for quiet and returns an error if more than n
// notifications arrive within d. It is an absence check, so it has to wait
// the whole of d when all is well.
func (d *Desktop) ExpectNoMore(n int, within time.Duration) error {
	got, err := d.WaitNotifications(n+1, within)
	if err == nil {
		return fmt.Errorf("got %d notifications, want %d: extra %+v", len(got), n, got[n:])
	}
	return nil
}

// WaitBlocked waits until n Notify calls are held by hang mode.
func (d *Desktop) WaitBlocked(n int, timeout time.Duration) error {
	s := d.notifications
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		blocked, changed := s.blocked, s.changed
		s.mu.Unlock()
		if blocked >= n {
			return nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return fmt.Errorf("%d Notify calls held within %s, want %d", blocked, timeout, n)
		}
	}
}
