// Package fakedesktop runs a private D-Bus session bus with a fake
// notification server and a fake StatusNotifierWatcher, so tests can assert
// what a Linux desktop would have shown: every notification (app name,
// summary, body, hints) and the tray item with its menu.
//
// Only test code imports it. The bus is a real dbus-daemon child process;
// the servers are exported with godbus on a connection of the test process.
package fakedesktop

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// ErrNoDaemon reports that dbus-daemon is not installed (Debian package
// "dbus").
var ErrNoDaemon = errors.New("dbus-daemon not found in PATH (install the Debian package dbus)")

// Desktop is a private session bus plus the fake desktop services on it.
type Desktop struct {
	cmd  *exec.Cmd
	addr string
	conn *dbus.Conn

	notifications *notificationServer
	watcher       *watcher

	closeOnce sync.Once
}

// New starts dbus-daemon, connects to it and claims
// org.freedesktop.Notifications and org.kde.StatusNotifierWatcher. It does
// not touch the environment: point DBUS_SESSION_BUS_ADDRESS at Address()
// yourself (godbus caches the session bus per process, so in the test
// process that must happen before the first notification; see Main).
func New() (*Desktop, error) {
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		return nil, ErrNoDaemon
	}
	cmd := exec.Command(bin, "--session", "--nofork", "--print-address=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("dbus-daemon stdout: %w", err)
	}
	// Kept, not printed: an unprivileged daemon always complains that it
	// cannot raise its fd limit, which would clutter every test log.
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // read only after kill, which waits for the copy
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dbus-daemon: %w", err)
	}
	d := &Desktop{cmd: cmd}
	addr, err := readAddress(stdout, 10*time.Second)
	if err != nil {
		d.kill()
		return nil, fmt.Errorf("%w (dbus-daemon stderr: %s)", err, strings.TrimSpace(stderr.String()))
	}
	d.addr = addr
	// The daemon prints nothing more, but an unread pipe must not be able
	// to block it should it ever do so.
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	conn, err := dbus.Connect(addr)
	if err != nil {
		d.kill()
		return nil, fmt.Errorf("connect to private bus %s: %w", addr, err)
	}
	d.conn = conn
	if d.notifications, err = exportNotifications(conn); err != nil {
		d.Close()
		return nil, err
	}
	if d.watcher, err = exportWatcher(conn); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// readAddress returns the first line dbus-daemon prints: its bus address.
func readAddress(r io.Reader, timeout time.Duration) (string, error) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		ch <- result{strings.TrimSpace(line), err}
	}()
	select {
	case res := <-ch:
		if res.line == "" {
			return "", fmt.Errorf("dbus-daemon printed no address: %v", res.err)
		}
		return res.line, nil
	case <-time.After(timeout):
		return "", fmt.Errorf("dbus-daemon printed no address within %s", timeout)
	}
}

// Start is New for a single test: it skips the test when dbus-daemon is
// missing (failing instead when CI=true, so CI never silently skips) and
// closes the desktop when the test ends.
func Start(t testing.TB) *Desktop {
	t.Helper()
	d, err := New()
	if err != nil {
		SkipOrFail(t, err)
	}
	t.Cleanup(d.Close)
	return d
}

// SkipOrFail skips t because of err, unless the environment says CI=true,
// where a missing desktop tool is a broken runner and fails the test.
func SkipOrFail(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("fake desktop unavailable in CI: %v", err)
	}
	t.Skipf("fake desktop unavailable, skipping: %v", err)
}

// Address is the bus address to put in DBUS_SESSION_BUS_ADDRESS.
func (d *Desktop) Address() string { return d.addr }

// Conn is the test side's connection to the private bus.
func (d *Desktop) Conn() *dbus.Conn { return d.conn }

// Close releases any Notify call held by SetNotifyHang, disconnects and
// kills this desktop's own dbus-daemon (by its pid, nothing else).
func (d *Desktop) Close() {
	d.closeOnce.Do(func() {
		if d.notifications != nil {
			d.notifications.close()
		}
		if d.conn != nil {
			_ = d.conn.Close()
		}
		d.kill()
	})
}

func (d *Desktop) kill() {
	if d.cmd == nil || d.cmd.Process == nil {
		return
	}
	_ = d.cmd.Process.Kill()
	_ = d.cmd.Wait()
}

// Reset forgets recorded notifications and tray registrations, turns hang
// mode off and brings back a watcher SetWatcher took away, so tests sharing
// one desktop start clean.
func (d *Desktop) Reset() {
	d.notifications.reset()
	d.watcher.reset()
}
