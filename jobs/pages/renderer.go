package pages

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
)

// Errors a caller can tell apart.
var (
	// ErrPassword: the PDF is encrypted.
	ErrPassword = errors.New("the PDF is protected by a password")
	// ErrUnreadable: not a document this renderer can open (corrupt, or a
	// type it does not know, such as an office file).
	ErrUnreadable = errors.New("cannot read this document")
	// ErrTimeout: PDFium ran past the time limit and was restarted.
	ErrTimeout = errors.New("the page took too long to render")
	// ErrClosed: the Renderer or the Document was closed.
	ErrClosed = errors.New("renderer closed")
)

// Config tunes a Renderer; the zero value takes the defaults.
type Config struct {
	// IdleTimeout shuts PDFium down after this long without a request
	// (default 3 minutes).
	IdleTimeout time.Duration
	// CallTimeout bounds one call into PDFium: opening a document, rendering
	// a page (default 15 s). Past it the sandbox is killed and restarted.
	CallTimeout time.Duration
	// CacheBytes bounds the rendered pages kept (default 32 MiB: six pages
	// 1000 px wide, the one in sight and those around it).
	CacheBytes int64
	// MaxFileBytes refuses larger files with ErrTooLarge (default
	// DefaultMaxFileBytes).
	MaxFileBytes int64
	// MaxImageBytes refuses image documents that would take more memory
	// decoded (default DefaultMaxImageBytes).
	MaxImageBytes int64
	// CompileCacheDir keeps wazero's compiled PDFium between starts and
	// runs ("": compiled again at every start, nothing kept).
	CompileCacheDir string
	// Interpreter runs PDFium in wazero's interpreter: nothing to compile at
	// start, pages several times slower. For tests under the race detector,
	// which makes compiling PDFium take minutes.
	Interpreter bool
}

// DefaultCompileCacheDir is where the app keeps the compiled PDFium: the
// user's cache folder (compiling takes seconds; loading, a fraction).
func DefaultCompileCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "reducto-tray", "pdfium-wasm")
}

// Renderer opens documents and renders their pages. One Renderer serves the
// whole app; it is safe for concurrent use.
type Renderer struct {
	cfg   Config
	cache *pageCache
	calls chan *call
	quit  chan struct{}
	done  chan struct{}
	once  sync.Once
	ids   atomic.Uint64

	compiled wazero.CompilationCache

	running atomic.Bool
	starts  atomic.Int64
	stops   atomic.Int64
}

// call is one piece of work for PDFium, run on the loop goroutine.
type call struct {
	ctx       context.Context
	fn        func(*engine) error
	done      chan error // buffered: the loop never waits for a caller gone
	ifRunning bool       // skip (nil) rather than start PDFium for it
}

// New returns a Renderer. Nothing is started until the first PDF.
func New(cfg Config) *Renderer {
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 3 * time.Minute
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 15 * time.Second
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = 32 << 20
	}
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = DefaultMaxFileBytes
	}
	if cfg.MaxImageBytes <= 0 {
		cfg.MaxImageBytes = DefaultMaxImageBytes
	}
	r := &Renderer{cfg: cfg, cache: newPageCache(cfg.CacheBytes),
		calls: make(chan *call), quit: make(chan struct{}), done: make(chan struct{})}
	go r.loop()
	return r
}

// Stats is the Renderer's state, for tests, benchmarks and diagnostics.
type Stats struct {
	Running    bool  // PDFium is loaded now
	Starts     int64 // times it was started
	Stops      int64 // times it was shut down (idle, restart or Close)
	CacheBytes int64 // pixels held by the page cache
}

// Stats reports the Renderer's state.
func (r *Renderer) Stats() Stats {
	return Stats{Running: r.running.Load(), Starts: r.starts.Load(), Stops: r.stops.Load(),
		CacheBytes: r.cache.bytes()}
}

// Close shuts PDFium down and refuses further work.
func (r *Renderer) Close() error {
	r.once.Do(func() { close(r.quit) })
	<-r.done
	return nil
}

// do runs fn on the loop goroutine with PDFium started, and waits for it or
// for ctx. A call whose ctx ends before its turn is never run.
func (r *Renderer) do(ctx context.Context, fn func(*engine) error) error {
	return r.send(ctx, &call{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

func (r *Renderer) send(ctx context.Context, c *call) error {
	select {
	case r.calls <- c:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.quit:
		return ErrClosed
	}
	select {
	case err := <-c.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// loop owns the engine: it starts PDFium for the first call, runs calls
// one at a time (a WebAssembly instance is single-threaded), restarts it
// after a kill and shuts it down when idle.
func (r *Renderer) loop() {
	defer close(r.done)
	var eng *engine
	stop := func() {
		if eng != nil {
			eng.close()
			eng = nil
			r.running.Store(false)
			r.stops.Add(1)
		}
		r.closeCompiled()
	}
	idle := time.NewTimer(r.cfg.IdleTimeout)
	idle.Stop()
	defer func() {
		stop()
		r.cache.clear()
	}()
	for {
		select {
		case <-r.quit:
			return
		case <-idle.C:
			wasRunning := eng != nil
			if wasRunning {
				slog.Debug("pages: pdf renderer idle, shutting down")
			}
			stop()
			// Rendered pages are memory too: idle means all of it returns.
			r.cache.clear()
			if wasRunning {
				// PDFium's linear memory and the pages were tens of MiB the
				// runtime would keep mapped for a while: an app idling in
				// the tray hands them back now.
				debug.FreeOSMemory()
			}
		case c := <-r.calls:
			idle.Stop()
			c.done <- r.run(&eng, c)
			idle.Reset(r.cfg.IdleTimeout)
		}
	}
}

// run starts the engine if needed and runs one call on it.
func (r *Renderer) run(eng **engine, c *call) error {
	if err := c.ctx.Err(); err != nil {
		return err // scrolled past before its turn
	}
	if *eng == nil && c.ifRunning {
		return nil
	}
	if *eng == nil {
		if r.compiled == nil && r.cfg.CompileCacheDir != "" {
			cc, err := wazero.NewCompilationCacheWithDir(r.cfg.CompileCacheDir)
			if err != nil {
				slog.Warn("pages: no compilation cache", "dir", r.cfg.CompileCacheDir, "err", err)
			} else {
				r.compiled = cc
			}
		}
		e, err := startEngine(r.compiled, r.cfg.Interpreter)
		if err != nil {
			return err
		}
		*eng = e
		r.running.Store(true)
		r.starts.Add(1)
	}
	err := (*eng).run(r.cfg.CallTimeout, c.fn)
	if errors.Is(err, errKilled) {
		(*eng).closeKilled()
		*eng = nil
		r.closeCompiled()
		r.running.Store(false)
		r.stops.Add(1)
		return fmt.Errorf("%w (limit %s)", ErrTimeout, r.cfg.CallTimeout)
	}
	return err
}

// closeCompiled lets go of the compilation cache's in-memory side: wazero
// keeps every module compiled through a cache in the cache's engine (about
// 8 MiB of decoded PDFium besides the machine code) until the cache is
// closed, so an idle shutdown closes it too. The files stay on disk for the
// next start.
func (r *Renderer) closeCompiled() {
	if r.compiled != nil {
		_ = r.compiled.Close(context.Background())
		r.compiled = nil
	}
}
