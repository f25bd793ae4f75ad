// Package control is Reducto Tray's single-instance control channel. The
// first process on a data folder (REDUCTO_TRAY_HOME) listens on a private
// local socket; a later `reducto-tray FILE...` on the same folder hands its
// files to it with Send and exits instead of starting a second app.
//
// On Linux and macOS the channel is the Unix socket <home>/control.sock (mode
// 0600). On Windows it is a loopback TCP socket whose address and a random
// token are kept in <home>/control.addr; every request must carry the token.
// Either way the channel is separate from the webhook HTTP listener and is
// never reachable through it.
//
// The wire protocol is JSON lines: the client writes one Request per line and
// reads one response line for each. Lines are capped at MaxRequestSize and
// every read and write has a deadline, so a stuck or hostile client cannot
// wedge the server.
//
// Start-up order matters for two launches racing each other (file managers
// may start one process per selected file): call Listen as early as possible,
// before slow set-up, with a handler that queues work until the app is ready.
// If Listen returns ErrAlreadyRunning, another process won the race: Send to
// it instead.
package control

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// MaxRequestSize bounds one request line in bytes. It leaves room for a few
// thousand long paths, far more than one drag or "Open with" produces.
const MaxRequestSize = 4 << 20

// maxResponseSize bounds one response line read by Send.
const maxResponseSize = 64 << 10

// ioTimeout bounds each read or write on a control connection.
const ioTimeout = 10 * time.Second

// handleTimeout bounds how long the server waits for the handler.
const handleTimeout = 30 * time.Second

// ErrNoInstance is returned by Send when no instance listens on the data
// folder: the caller should start the app itself.
var ErrNoInstance = errors.New("control: no running instance")

// ErrAlreadyRunning is returned by Listen when another live instance already
// owns the data folder's control channel.
var ErrAlreadyRunning = errors.New("control: another instance is already running on this data folder")

// ErrQuitting is what a handler returns while its instance shuts down; Send
// returns an error matching it, and the caller waits for the data folder to
// be free and claims it itself rather than starting beside a quitting app.
var ErrQuitting = errors.New("control: the running instance is quitting")

// Request is what a second process asks the running instance to do.
type Request struct {
	// Open lists absolute paths of files to submit with the saved defaults.
	Open []string `json:"open,omitempty"`
	// Show asks the instance to bring its window forward.
	Show bool `json:"show,omitempty"`
	// Preset names the preset the files are submitted with (--preset);
	// "" = the instance's defaults.
	Preset string `json:"preset,omitempty"`
	// From lists completed parses (local ids or Reducto job ids) to run
	// Preset on with jobid:// (--from).
	From []string `json:"from,omitempty"`
}

// Response is the running instance's answer.
type Response struct {
	// Accepted counts the files the instance took.
	Accepted int `json:"accepted"`
	// Message is a human-readable summary the client may print.
	Message string `json:"message,omitempty"`
}

// wireRequest is a Request as it travels, with the Windows token.
type wireRequest struct {
	Request
	// Auth is the hex token from control.addr; empty on Unix, where the
	// socket's file mode is the access control.
	Auth string `json:"auth,omitempty"`
}

// wireResponse is a Response as it travels; Error carries a handler or
// protocol failure back to the client.
type wireResponse struct {
	Response
	Error string `json:"error,omitempty"`
}

// RemoteError is a failure reported by the running instance (a handler error
// or a rejected request), as opposed to a failure to reach it.
type RemoteError struct{ Msg string }

func (e *RemoteError) Error() string { return "control: instance replied: " + e.Msg }

// absolutePaths makes every path absolute against the caller's working
// directory, because the running instance has a different one.
func absolutePaths(paths []string) ([]string, error) {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("absolute path of %s: %w", p, err)
		}
		out = append(out, abs)
	}
	return out, nil
}
