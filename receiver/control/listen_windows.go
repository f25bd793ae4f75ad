//go:build windows

package control

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"

	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// The lock file (datadir.ControlLockPath) is the file whose exclusive lock marks the folder's owner; Windows
// releases it when the process dies.

// addrFile is the content of control.addr.
type addrFile struct {
	Addr  string `json:"addr"`
	Token string `json:"token"`
}

func listenPlatform(home string) (net.Listener, []byte, func(), error) {
	lock, err := lockHome(home)
	if err != nil {
		return nil, nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		lock.Close()
		return nil, nil, nil, fmt.Errorf("listen on control socket: %w", err)
	}
	token := make([]byte, 32)
	if _, err := rand.Read(token); err != nil {
		ln.Close()
		lock.Close()
		return nil, nil, nil, fmt.Errorf("control token: %w", err)
	}
	if err := writeAddr(home, addrFile{Addr: ln.Addr().String(), Token: hex.EncodeToString(token)}); err != nil {
		ln.Close()
		lock.Close()
		return nil, nil, nil, err
	}
	cleanup := func() {
		os.Remove(datadir.ControlAddrPath(home))
		lock.Close()
	}
	return ln, token, cleanup, nil
}

func lockHome(home string) (*os.File, error) {
	path := datadir.ControlLockPath(home)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open control lock: %w", err)
	}
	ol := new(windows.Overlapped)
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, ErrAlreadyRunning
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}

// writeAddr replaces control.addr atomically so a client never reads half
// of it; a file left by a crashed instance is simply overwritten.
func writeAddr(home string, a addrFile) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode control address: %w", err)
	}
	if err := settings.WriteFileAtomic(datadir.ControlAddrPath(home), b); err != nil {
		return fmt.Errorf("write control address: %w", err)
	}
	return nil
}

func dialPlatform(ctx context.Context, home string) (net.Conn, []byte, error) {
	b, err := os.ReadFile(datadir.ControlAddrPath(home))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%w on %s", ErrNoInstance, home)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read control address: %w", err)
	}
	var a addrFile
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, nil, fmt.Errorf("%w on %s: unreadable %s: %v", ErrNoInstance, home, filepath.Base(datadir.ControlAddrPath(home)), err)
	}
	token, err := hex.DecodeString(a.Token)
	if err != nil {
		return nil, nil, fmt.Errorf("%w on %s: bad token in %s", ErrNoInstance, home, filepath.Base(datadir.ControlAddrPath(home)))
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", a.Addr)
	if err != nil {
		// A loopback listener that is up always accepts, so a failed dial
		// means the address is left over from a crashed instance.
		return nil, nil, fmt.Errorf("%w on %s: %v", ErrNoInstance, home, err)
	}
	return c, token, nil
}
