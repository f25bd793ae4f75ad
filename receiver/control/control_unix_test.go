//go:build !windows

package control

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/datadir"
)

func TestSocketIsPrivate(t *testing.T) {
	home := t.TempDir()
	listen(t, home, (&recorder{}).handle)
	fi, err := os.Lstat(datadir.ControlSocketPath(home))
	if err != nil {
		t.Fatalf("stat socket: %v", err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		t.Fatalf("control.sock has type %v, want a socket", fi.Mode().Type())
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Fatalf("control.sock mode = %o, want 600", perm)
	}
	// No temporary directory is left behind in the data folder.
	entries, err := os.ReadDir(home)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			t.Errorf("leftover directory %s in data folder", e.Name())
		}
	}
}

func TestStaleSocketIsReplaced(t *testing.T) {
	home := t.TempDir()
	sock := datadir.ControlSocketPath(home)
	// What a crashed instance leaves: a socket file nobody listens on.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Lstat(sock); err != nil {
		t.Fatalf("stale socket not in place: %v", err)
	}
	if _, err := Send(testCtx(t), home, Request{Show: true}); !errors.Is(err, ErrNoInstance) {
		t.Fatalf("Send to stale socket error = %v, want ErrNoInstance", err)
	}

	rec := &recorder{}
	listen(t, home, rec.handle)
	resp, err := Send(testCtx(t), home, Request{Open: []string{"/x.pdf"}})
	if err != nil || resp.Accepted != 1 {
		t.Fatalf("Send after replacing stale socket: %+v, %v", resp, err)
	}
}

func TestNonSocketInTheWayIsNotDeleted(t *testing.T) {
	home := t.TempDir()
	sock := datadir.ControlSocketPath(home)
	if err := os.WriteFile(sock, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := Listen(home, (&recorder{}).handle); err == nil {
		s.Close()
		t.Fatal("Listen replaced a regular file named control.sock")
	}
	if b, err := os.ReadFile(sock); err != nil || string(b) != "precious" {
		t.Fatalf("regular file was touched: %q, %v", b, err)
	}
}
