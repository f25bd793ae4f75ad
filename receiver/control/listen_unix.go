//go:build !windows

package control

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/reductotray/reducto-tray/jobs/datadir"
)

// maxSocketPath is the smallest sun_path limit of the supported systems
// (104 bytes on macOS and the BSDs, 108 on Linux) minus the NUL.
const maxSocketPath = 103

func listenPlatform(home string) (net.Listener, []byte, func(), error) {
	sock := datadir.ControlSocketPath(home)
	if len(sock) > maxSocketPath {
		return nil, nil, nil, fmt.Errorf("control socket path %s is longer than %d bytes; choose a shorter REDUCTO_TRAY_HOME", sock, maxSocketPath)
	}
	lock, err := lockHome(home)
	if err != nil {
		return nil, nil, nil, err
	}
	ln, err := bindPrivate(home, sock)
	if err != nil {
		lock.Close()
		return nil, nil, nil, err
	}
	cleanup := func() {
		// Remove the socket before giving up the lock so the next owner
		// never sees our dead socket.
		os.Remove(sock)
		lock.Close()
	}
	return ln, nil, cleanup, nil
}

// lockHome takes the flock of datadir.ControlLockPath, which marks the
// folder's owner. flock is released by the kernel when a process dies, so
// a crash never leaves the folder claimed, and it closes the race of two
// launches that both find a stale socket and would otherwise each delete
// the other's.
func lockHome(home string) (*os.File, error) {
	path := datadir.ControlLockPath(home)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open control lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrAlreadyRunning
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}

// bindPrivate creates the listening socket in a fresh 0700 directory, makes
// it 0600 there and only then renames it into place: the socket is never
// reachable with the process umask's looser mode.
func bindPrivate(home, sock string) (*net.UnixListener, error) {
	if err := removeStale(sock); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(home, ".c")
	if err != nil {
		return nil, fmt.Errorf("control socket dir: %w", err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listen on control socket: %w", err)
	}
	// The file moves, so unlinking the original name on close would miss;
	// cleanup removes the final name instead.
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("chmod control socket: %w", err)
	}
	if err := os.Rename(tmp, sock); err != nil {
		ln.Close()
		return nil, fmt.Errorf("place control socket: %w", err)
	}
	return ln, nil
}

// removeStale deletes a socket left by a crashed instance. It runs with the
// lock held, so a live peer answering here means a lock that does not work
// (some network file systems) and the folder is treated as taken.
func removeStale(sock string) error {
	fi, err := os.Lstat(sock)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("inspect control socket: %w", err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket; remove it", sock)
	}
	c, err := net.DialTimeout("unix", sock, time.Second)
	if err == nil {
		c.Close()
		return ErrAlreadyRunning
	}
	if !errors.Is(err, syscall.ECONNREFUSED) && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("probe control socket: %w", err)
	}
	if err := os.Remove(sock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale control socket: %w", err)
	}
	return nil
}

func dialPlatform(ctx context.Context, home string) (net.Conn, []byte, error) {
	sock := datadir.ControlSocketPath(home)
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("%w on %s: %v", ErrNoInstance, home, err)
		}
		return nil, nil, fmt.Errorf("dial control socket %s: %w", sock, err)
	}
	return c, nil, nil
}
