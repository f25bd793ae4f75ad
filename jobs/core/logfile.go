package core

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"github.com/reductotray/reducto-tray/jobs/datadir"
)

// maxLogBytes is the size at which the log is rotated to its name + ".1"
// (one old log is kept): an app that runs for months stays bounded.
const maxLogBytes = 10 << 20

// LogFile is the app's log in the data folder: private (0600, even if it
// existed with wider permissions) and rotated by size as it is written,
// not only at start.
type LogFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
	size int64
}

// OpenLog opens (creating) the log in home.
func OpenLog(home string) (*LogFile, error) {
	l := &LogFile{path: datadir.LogPath(home)}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *LogFile) open() error {
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	// A log left by an older version may be world-readable; it names
	// the user's files.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("make log private: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log: %w", err)
	}
	l.f, l.size = f, info.Size()
	return nil
}

// Write appends p, rotating first when the log has grown too large.
func (l *LogFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, os.ErrClosed
	}
	if l.size+int64(len(p)) > maxLogBytes && l.size > 0 {
		l.f.Close()
		l.f = nil
		_ = os.Rename(l.path, l.path+".1")
		if err := l.open(); err != nil {
			return 0, err
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

// Close closes the file.
func (l *LogFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// NewLogger logs to stderr and, when log is not nil, to the log file.
func NewLogger(stderr io.Writer, log *LogFile) *slog.Logger {
	w := stderr
	if log != nil {
		w = io.MultiWriter(stderr, log)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
