// Package receiver is Reducto Tray's embedded HTTP webhook receiver: it
// verifies Svix-signed and direct-mode deliveries, records every delivery id
// durably before answering 2xx (so retries, even after a restart, change
// nothing), and hands first-seen deliveries to the engine through a bounded
// queue. It also serves GET /healthz. Plain Go, no UI.
package receiver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reductotray/reducto-tray/jobs/clock"
)

// Server is the webhook receiver. Create it with New; it is ready to handle
// requests (through Handler) at once, and Start or Serve expose it on a
// listener. Shutdown stops it.
type Server struct {
	cfg      Config
	log      *slog.Logger
	clock    clock.Clock
	started  time.Time
	verifier *verifier
	batcher  *batcher
	logw     *logWriter // nil without Config.Records
	queue    *queue
	counters *counters
	// limit caps webhook requests in progress; bodies is the bounded free
	// list their bodies are read into.
	limit  *limiter
	bodies *bodyPool
	// addrs are the hosts of the listen addresses, for the Host check.
	addrMu sync.Mutex
	addrs  []string
	// queueFullLogged is set while the queue is full and the warning has
	// been logged.
	queueFullLogged atomic.Bool

	httpSrv *http.Server

	// gate tracks handlers in progress so Shutdown can wait for them before
	// stopping the batcher; closed turns new requests away with 503.
	gate     sync.RWMutex
	closed   bool
	inflight sync.WaitGroup

	sinkCtx    context.Context
	sinkCancel context.CancelFunc
	closeOnce  sync.Once
	closeErr   error
}

// New returns a running receiver (its batcher and queue workers start now).
// cfg.Sink and cfg.Log are required.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	clk := cfg.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger.With("component", "receiver"),
		clock:    clk,
		started:  clk.Now(),
		counters: newCounters(),
		queue:    newQueue(cfg.QueueSize),
		limit:    newLimiter(cfg.MaxInFlight),
		bodies:   newBodyPool(cfg.MaxInFlight),
	}
	s.addListenHost(cfg.Addr)
	s.verifier = &verifier{secret: cfg.Secret, clock: cfg.Clock, log: s.log}
	if cfg.Records != nil {
		s.logw = newLogWriter(cfg.Records, cfg.LogLimits, cfg.OnRecorded, s.log)
	}
	s.batcher = newBatcher(cfg.Log, cfg.Records, s.logw, cfg.BatchMax, cfg.BatchLinger, &s.counters.batches, s.log)
	s.sinkCtx, s.sinkCancel = context.WithCancel(context.Background())
	s.queue.start(s.sinkCtx, cfg.Workers, cfg.Sink, s.log, s.counters)
	s.httpSrv = &http.Server{
		Addr:              cfg.Addr,
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	return s
}

// Handler returns the receiver's routes. The relay client also calls it
// in-process to replay events it receives.
func (s *Server) Handler() http.Handler { return s }

// Serve answers requests on ln until Shutdown; it then returns
// http.ErrServerClosed, like http.Server.Serve.
func (s *Server) Serve(ln net.Listener) error {
	s.addListenHost(ln.Addr().String())
	return s.httpSrv.Serve(ln)
}

// ListenAndServe listens on cfg.Addr and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("receiver listen %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ln)
}

// Start listens on cfg.Addr, serves in the background and returns the
// bound address (useful with port 0).
func (s *Server) Start() (addr string, err error) {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return "", fmt.Errorf("receiver listen %s: %w", s.cfg.Addr, err)
	}
	go func() {
		if err := s.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("receiver stopped", "err", err)
		}
	}()
	s.log.Info("receiver listening", "addr", ln.Addr().String())
	return ln.Addr().String(), nil
}

// Shutdown stops accepting requests, waits for the ones in progress (HTTP
// and in-process), records what they submitted and lets the queue workers
// hand every accepted delivery to the Sink. If ctx ends first the Sink's
// context is cancelled and ctx's error returned. It is safe to call twice.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() { s.closeErr = s.shutdown(ctx) })
	return s.closeErr
}

func (s *Server) shutdown(ctx context.Context) error {
	httpErr := s.httpSrv.Shutdown(ctx)

	s.gate.Lock()
	s.closed = true
	s.gate.Unlock()

	drained := make(chan struct{})
	go func() {
		s.inflight.Wait() // handlers hold no promise after this
		s.batcher.close()
		s.queue.close()
		if s.logw != nil {
			s.logw.close() // writes what the last handlers noted
		}
		close(drained)
	}()
	select {
	case <-drained:
		s.sinkCancel()
		if httpErr != nil {
			return fmt.Errorf("receiver shutdown: %w", httpErr)
		}
		return nil
	case <-ctx.Done():
		s.sinkCancel()
		return fmt.Errorf("receiver shutdown: %w", ctx.Err())
	}
}

// enter admits a request unless the server is shutting down.
func (s *Server) enter() bool {
	s.gate.RLock()
	defer s.gate.RUnlock()
	if s.closed {
		return false
	}
	s.inflight.Add(1)
	return true
}

func (s *Server) leave() { s.inflight.Done() }
