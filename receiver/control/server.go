package control

import (
	"bufio"
	"context"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Handler acts on one request from another process. It may be called from
// several goroutines at once.
type Handler func(ctx context.Context, req Request) (Response, error)

// Server is the listening end of the control channel, owned by the running
// instance.
type Server struct {
	ln      net.Listener
	auth    []byte // nil on Unix: the socket's file mode is the access control
	handle  Handler
	cleanup func()
	log     *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// Listen claims the control channel of the data folder home and serves
// requests with handle until Close. It returns ErrAlreadyRunning if a live
// instance owns the folder; a socket left behind by a crashed instance is
// replaced.
func Listen(home string, handle Handler) (*Server, error) {
	if handle == nil {
		return nil, errors.New("control: nil handler")
	}
	ln, auth, cleanup, err := listenPlatform(home)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		ln:      ln,
		auth:    auth,
		handle:  handle,
		cleanup: cleanup,
		log:     slog.Default().With("component", "control"),
		ctx:     ctx,
		cancel:  cancel,
		conns:   make(map[net.Conn]struct{}),
	}
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// closeGrace is how long Close lets requests being handled finish and send
// their reply before it ends every connection.
const closeGrace = 2 * time.Second

// Close stops accepting, lets requests in progress answer (a launch that
// hands files over during a quit is told "quitting", not reset), then ends
// open connections, waits for their handlers and releases the data folder
// so another instance may claim it.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	err := s.ln.Close()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(closeGrace):
		s.cancel()
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		<-done
	}
	s.cancel()
	s.cleanup()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("close control listener: %w", err)
	}
	return nil
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	var delay time.Duration
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// Transient failures such as EMFILE: back off instead of spinning.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.log.Warn("control accept failed", "err", err, "retry_in", delay)
			select {
			case <-time.After(delay):
			case <-s.ctx.Done():
				return
			}
			continue
		}
		delay = 0
		if !s.track(conn) {
			conn.Close()
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(conn)
			s.serveConn(conn)
		}()
	}
}

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
}

// serveConn answers request lines until the client hangs up, sends something
// unusable, or goes quiet past the deadline.
func (s *Server) serveConn(conn net.Conn) {
	br := bufio.NewReaderSize(conn, 64<<10)
	for {
		if err := conn.SetReadDeadline(time.Now().Add(ioTimeout)); err != nil {
			return
		}
		line, err := readLine(br, MaxRequestSize)
		if errors.Is(err, errLineTooLong) {
			// The rest of the line is unread, so the stream cannot be resynced.
			s.reply(conn, wireResponse{Error: fmt.Sprintf("request larger than %d bytes", MaxRequestSize)})
			return
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.log.Debug("control read failed", "err", err)
			}
			return
		}
		if len(line) == 0 {
			continue
		}
		var req wireRequest
		if err := json.Unmarshal(line, &req); err != nil {
			if !s.reply(conn, wireResponse{Error: "malformed request: " + err.Error()}) {
				return
			}
			continue
		}
		if !s.authorized(req.Auth) {
			s.reply(conn, wireResponse{Error: "unauthorized"})
			return
		}
		if !s.reply(conn, s.call(req.Request)) {
			return
		}
	}
}

func (s *Server) authorized(token string) bool {
	if s.auth == nil {
		return true
	}
	got, err := hex.DecodeString(token)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(got, s.auth) == 1
}

// call runs the handler, turning its error or panic into a reply so one bad
// request cannot take the running app down.
func (s *Server) call(req Request) (out wireResponse) {
	ctx, cancel := context.WithTimeout(s.ctx, handleTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("control handler panicked", "panic", p)
			out = wireResponse{Error: "internal error"}
		}
	}()
	resp, err := s.handle(ctx, req)
	if errors.Is(err, ErrQuitting) {
		return wireResponse{Error: ErrQuitting.Error()}
	}
	if err != nil {
		return wireResponse{Response: resp, Error: err.Error()}
	}
	return wireResponse{Response: resp}
}

func (s *Server) reply(conn net.Conn, resp wireResponse) bool {
	b, err := json.Marshal(resp)
	if err != nil {
		s.log.Error("control encode reply", "err", err)
		return false
	}
	if err := conn.SetWriteDeadline(time.Now().Add(ioTimeout)); err != nil {
		return false
	}
	if _, err := conn.Write(append(b, '\n')); err != nil {
		s.log.Debug("control write failed", "err", err)
		return false
	}
	return true
}

var errLineTooLong = errors.New("control: line too long")

// readLine reads one '\n'-terminated line of at most limit bytes, without the
// terminator. A final line without '\n' is returned as is; io.EOF means the
// peer closed with nothing pending.
func readLine(br *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > limit+1 {
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return line, nil
		default:
			return nil, err
		}
	}
}
