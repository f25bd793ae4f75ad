//go:build e2e

package e2e

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// x11Window is a top-level window of the app on the test display.
type x11Window struct {
	id                  uint32
	x, y, width, height int
}

var xwininfoLine = regexp.MustCompile(`^\s*(0x[0-9a-f]+) "([^"]*)":.*\s(\d+)x(\d+)\+(-?\d+)\+(-?\d+)\s`)

// findWindow returns the largest window titled title (the app also has a
// small hidden window for its tray), using xwininfo (Debian x11-utils).
func (x xvfb) findWindow(title string) (x11Window, error) {
	out, err := exec.Command("xwininfo", "-display", x.display, "-root", "-tree").Output()
	if err != nil {
		return x11Window{}, fmt.Errorf("xwininfo: %w", err)
	}
	var best x11Window
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		m := xwininfoLine.FindStringSubmatch(sc.Text())
		if m == nil || m[2] != title {
			continue
		}
		id, _ := strconv.ParseUint(m[1], 0, 32)
		w := x11Window{id: uint32(id)}
		w.width, _ = strconv.Atoi(m[3])
		w.height, _ = strconv.Atoi(m[4])
		w.x, _ = strconv.Atoi(m[5])
		w.y, _ = strconv.Atoi(m[6])
		if w.width*w.height > best.width*best.height {
			best = w
		}
	}
	if best.id == 0 {
		return best, fmt.Errorf("no window titled %q on %s", title, x.display)
	}
	return best, nil
}

// viewable says whether the window is mapped and visible on the screen
// (a hidden window stays in the tree, unmapped).
func (x xvfb) viewable(win uint32) (bool, error) {
	out, err := exec.Command("xwininfo", "-display", x.display, "-id", fmt.Sprint(win)).Output()
	if err != nil {
		return false, fmt.Errorf("xwininfo -id %d: %w", win, err)
	}
	return strings.Contains(string(out), "Map State: IsViewable"), nil
}

// closeWindow asks the window to close as a window manager's close button
// does: a WM_PROTOCOLS/WM_DELETE_WINDOW client message. No tool that sends
// one is installed with Xvfb, so this speaks the few X11 requests needed
// (setup, two InternAtoms, SendEvent) over the display's socket; Xvfb runs
// without authorisation.
func (x xvfb) closeWindow(win uint32) error {
	conn, err := net.DialTimeout("unix", "/tmp/.X11-unix/X"+strings.TrimPrefix(x.display, ":"), 5*time.Second)
	if err != nil {
		return fmt.Errorf("x11 connect: %w", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	le := binary.LittleEndian
	// Setup: byte order, protocol 11.0, no authorisation.
	setup := make([]byte, 12)
	setup[0] = 'l'
	le.PutUint16(setup[2:], 11)
	if _, err := conn.Write(setup); err != nil {
		return fmt.Errorf("x11 setup: %w", err)
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(conn, head); err != nil {
		return fmt.Errorf("x11 setup reply: %w", err)
	}
	if head[0] != 1 {
		return fmt.Errorf("x11 setup refused (status %d)", head[0])
	}
	if _, err := io.CopyN(io.Discard, conn, int64(le.Uint16(head[6:]))*4); err != nil {
		return fmt.Errorf("x11 setup reply: %w", err)
	}
	atom := func(name string) (uint32, error) {
		pad := (4 - len(name)%4) % 4
		req := make([]byte, 8+len(name)+pad)
		req[0] = 16 // InternAtom, only-if-exists false
		le.PutUint16(req[2:], uint16(len(req)/4))
		le.PutUint16(req[4:], uint16(len(name)))
		copy(req[8:], name)
		if _, err := conn.Write(req); err != nil {
			return 0, fmt.Errorf("x11 InternAtom %s: %w", name, err)
		}
		rep := make([]byte, 32)
		if _, err := io.ReadFull(conn, rep); err != nil {
			return 0, fmt.Errorf("x11 InternAtom %s reply: %w", name, err)
		}
		if rep[0] != 1 {
			return 0, fmt.Errorf("x11 InternAtom %s: error %d", name, rep[1])
		}
		return le.Uint32(rep[8:]), nil
	}
	protocols, err := atom("WM_PROTOCOLS")
	if err != nil {
		return err
	}
	deleteWindow, err := atom("WM_DELETE_WINDOW")
	if err != nil {
		return err
	}
	req := make([]byte, 44)
	req[0] = 25 // SendEvent, propagate false
	le.PutUint16(req[2:], 11)
	le.PutUint32(req[4:], win) // destination; event mask 0: the client itself
	ev := req[12:]
	ev[0] = 33 // ClientMessage
	ev[1] = 32 // format
	le.PutUint32(ev[4:], win)
	le.PutUint32(ev[8:], protocols)
	le.PutUint32(ev[12:], deleteWindow)
	if _, err := conn.Write(req); err != nil {
		return fmt.Errorf("x11 SendEvent: %w", err)
	}
	// SendEvent has no reply; a round trip (another InternAtom) makes sure
	// the server processed it before the connection closes.
	_, err = atom("WM_DELETE_WINDOW")
	return err
}
