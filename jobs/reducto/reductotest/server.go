// Package reductotest runs a simulated Reducto API over real HTTP on the
// loopback interface, in the style of net/http/httptest. Tests use it to
// exercise the client and the engine end to end, and the app's --sandbox mode
// runs it in-process so the whole flow works with no key and no network.
//
// The simulator is cheap when idle: job progress is computed from the clock
// when a job is read, and completions, webhook deliveries and retries are
// driven by a single timer, so nothing runs between requests.
package reductotest

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

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs/clock"
)

// Submission describes a job at submission time; Config hooks decide its
// duration and outcome from it.
type Submission struct {
	Kind     string // "parse", "extract" or "split"
	Input    string // the request's input: reducto://..., a URL or jobid://...
	FileName string // original name of an uploaded file, or the URL's last segment
	FileSize int64  // bytes uploaded for a reducto:// input; 0 otherwise
	Body     []byte // the request body as submitted
}

// Config shapes the simulated API. The zero value is a usable server with
// Reducto's documented defaults.
type Config struct {
	// Addr is the listen address; default "127.0.0.1:0".
	Addr string
	// APIKey, when set, is required as "Authorization: Bearer <key>" on
	// every API endpoint (not on /result/ and /presigned/, which are
	// presigned in the real service).
	APIKey string
	// Clock is the simulator's time source; nil means the wall clock. Job
	// durations, expiry, rate limits and webhook retry delays are all
	// measured on it, so a scaled clock speeds the whole world up alike.
	Clock clock.Clock
	// JobDuration returns how long a job runs; default 2-4 s, stable per job.
	JobDuration func(Submission) time.Duration
	// Outcome decides whether a job fails and why; nil means FailRate.
	Outcome func(Submission) (fail bool, reason string)
	// FailRate is the fraction of jobs (0..1) that fail when Outcome is nil.
	FailRate float64
	// IdleEvery makes every n-th job pass through the undocumented "Idle"
	// status after Pending; default 3, negative disables.
	IdleEvery int
	// JobTTL is how long a job stays readable; older jobs answer 404 as
	// expired ones do on Reducto. Default 12 h.
	JobTTL time.Duration
	// DeletingFor is how long (Clock time) a deleted job answers 409 while
	// its deletion "runs"; after that it answers 410 Gone, as Reducto's
	// deleted jobs do. Default 0: 410 at once.
	DeletingFor time.Duration
	// ErrorObjects makes the simulator use the newer error object
	// {"error": {"code", "name", "message"}}: a failed job carries it
	// instead of "reason", and error answers (409/410 for deleted jobs,
	// injected 5xx) use it as their body.
	ErrorObjects bool
	// Flaky, when set, makes the API misbehave at random from the start
	// (see Flaky and SetFlaky).
	Flaky *Flaky
	// JobRateLimit is the GET /job/{id} limit in requests per second of
	// Clock time (burst: one second's worth). Default 200; negative disables.
	JobRateLimit float64
	// EdgeRateLimit is the limit on all endpoints in requests per second of
	// Clock time. Default 1000; negative disables.
	EdgeRateLimit float64
	// MaxUploadBytes caps a multipart upload; default 100 MB.
	MaxUploadBytes int64
	// Layout, when set, reads an uploaded document's text and where it is;
	// a parse of that upload then returns one Text block per line, with
	// the real text and its real box, instead of made-up blocks (tables,
	// figures). It runs on the upload's request before the upload is
	// answered, for uploads up to 64 MiB; an error keeps the made-up
	// blocks. Injected (the core's sandbox reads PDFs with jobs/pages), so
	// this package needs no PDF reader.
	Layout func(doc []byte, name string) ([]LayoutPage, error)
	// ClassifyDelay is how long POST /classify takes to answer (Clock
	// time); default 300 ms, negative: at once.
	ClassifyDelay time.Duration
	// URLResults serves every parse result in URL form.
	URLResults bool
	// URLResultAbove serves a parse result in URL form when its JSON is
	// larger than this many bytes (Reducto's threshold is about 6 MB);
	// 0 means 6 MB. settings.force_url_result always forces URL form.
	URLResultAbove int
	// SvixEndpoint is the URL Svix-mode notifications are delivered to (the
	// endpoint a user would add in the Svix portal); empty = none.
	SvixEndpoint string
	// SvixSecret is the endpoint's signing secret, "whsec_...".
	SvixSecret string
	// SvixChannels is the endpoint's channel filter; empty = all channels.
	SvixChannels []string
	// SvixRetrySchedule are the delays between Svix attempts after the
	// first, immediate one; default Svix's 5s, 5m, 30m, 2h, 5h, 10h, 10h.
	SvixRetrySchedule []time.Duration
	// DirectRetrySchedule are the delays between direct-mode attempts after
	// the first one (Reducto: "up to 3 retries with exponential backoff");
	// default 5s, 30s, 3m.
	DirectRetrySchedule []time.Duration
	// DeliveryTimeout bounds one webhook attempt in real time; default 15 s.
	DeliveryTimeout time.Duration
	// StatePath, when set, persists uploads and jobs to this JSON file so a
	// restarted sandbox still knows them.
	StatePath string
	// RequestLogSize bounds the request log kept for assertions; default 10000.
	RequestLogSize int
	// Log receives the simulator's logs; nil discards them.
	Log *slog.Logger
}

// Server is a running simulated Reducto API.
type Server struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234", with no trailing slash.
	URL string
	// Listener is the server's listener (set once started).
	Listener net.Listener

	cfg     Config
	clk     clock.Clock
	log     *slog.Logger
	signer  *svix.Webhook
	mux     *http.ServeMux
	httpSrv *http.Server
	sched   *scheduler
	hc      *http.Client

	mu    sync.Mutex
	state simState
	svix  svixEndpoint
	pause pauseState
	// faults and failNext are runtime-injected misbehaviour, consumed in order.
	faults   []*Fault
	failNext []string
	jobLimit *bucket
	edge     *bucket
	flaky    flakyState
	changed  chan struct{} // closed and replaced on every observable change

	obs observer

	persist  *persister
	base     atomic.Pointer[string]
	bgOnce   sync.Once
	wg       sync.WaitGroup
	closeMu  sync.Mutex
	closed   bool
	stopping chan struct{}
	ctx      context.Context // cancelled by Close; bounds webhook attempts
	cancel   context.CancelFunc
}

// NewServer starts a simulated Reducto API on 127.0.0.1 (or cfg.Addr) and
// returns it; the caller must Close it. It panics if it cannot listen, as
// httptest.NewServer does.
func NewServer(cfg Config) *Server {
	s := NewUnstartedServer(cfg)
	if err := s.Start(); err != nil {
		panic(fmt.Sprintf("reductotest: %v", err))
	}
	return s
}

// NewUnstartedServer returns a server that is configured but not listening;
// call Start, or mount Handler in a server of your own. It panics on an
// invalid SvixSecret or an unreadable StatePath, which are programming errors.
func NewUnstartedServer(cfg Config) *Server {
	s, err := newServer(cfg)
	if err != nil {
		panic(fmt.Sprintf("reductotest: %v", err))
	}
	return s
}

// New is NewUnstartedServer that reports configuration errors instead of
// panicking; the sandbox uses it.
func New(cfg Config) (*Server, error) { return newServer(cfg) }

func newServer(cfg Config) (*Server, error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.JobTTL <= 0 {
		cfg.JobTTL = 12 * time.Hour
	}
	if cfg.JobRateLimit == 0 {
		cfg.JobRateLimit = 200
	}
	if cfg.EdgeRateLimit == 0 {
		cfg.EdgeRateLimit = 1000
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 100 << 20
	}
	if cfg.URLResultAbove <= 0 {
		cfg.URLResultAbove = 6 << 20
	}
	if cfg.IdleEvery == 0 {
		cfg.IdleEvery = 3
	}
	if cfg.SvixRetrySchedule == nil {
		cfg.SvixRetrySchedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute,
			2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}
	}
	if cfg.DirectRetrySchedule == nil {
		cfg.DirectRetrySchedule = []time.Duration{5 * time.Second, 30 * time.Second, 3 * time.Minute}
	}
	if cfg.DeliveryTimeout <= 0 {
		cfg.DeliveryTimeout = 15 * time.Second
	}
	if cfg.RequestLogSize <= 0 {
		cfg.RequestLogSize = 10000
	}
	s := &Server{
		cfg:      cfg,
		clk:      cfg.Clock,
		log:      cfg.Log,
		changed:  make(chan struct{}),
		stopping: make(chan struct{}),
		hc:       &http.Client{Timeout: cfg.DeliveryTimeout},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.state = newSimState()
	s.obs.init(cfg.RequestLogSize)
	if err := s.SetSvixEndpoint(cfg.SvixEndpoint, cfg.SvixSecret, cfg.SvixChannels); err != nil {
		return nil, err
	}
	now := s.clk.Now()
	if cfg.JobRateLimit > 0 {
		s.jobLimit = newBucket(cfg.JobRateLimit, now)
	}
	if cfg.EdgeRateLimit > 0 {
		s.edge = newBucket(cfg.EdgeRateLimit, now)
	}
	if cfg.Flaky != nil {
		s.setFlakyLocked(*cfg.Flaky, now)
	}
	s.sched = newScheduler(s.clk)
	s.mux = s.routes()
	if cfg.StatePath != "" {
		s.persist = newPersister(cfg.StatePath, s.log)
		if err := s.loadState(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Start listens on cfg.Addr (default 127.0.0.1:0), sets URL and serves.
func (s *Server) Start() error {
	addr := s.cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.Listener = ln
	s.URL = "http://" + ln.Addr().String()
	s.base.Store(&s.URL)
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("reductotest: serve", "err", err)
		}
	}()
	s.startBackground()
	return nil
}

// SetBaseURL tells a server mounted through Handler (not Start) the base URL
// under which it is reachable, for presigned and result URLs it hands out.
func (s *Server) SetBaseURL(u string) {
	s.URL = u
	s.base.Store(&u)
	s.startBackground()
}

func (s *Server) startBackground() {
	s.bgOnce.Do(s.startScheduler)
}

func (s *Server) startScheduler() {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.sched.run(s.stopping)
	}()
	s.mu.Lock()
	s.rescheduleAllLocked()
	s.mu.Unlock()
}

// Handler returns the simulator's HTTP handler, for mounting it in a server
// of your own (then call SetBaseURL).
func (s *Server) Handler() http.Handler { return s }

// Close stops serving, cancels pending webhook deliveries, waits for
// in-flight ones and writes the state file if one is configured.
func (s *Server) Close() {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return
	}
	s.closed = true
	s.closeMu.Unlock()
	close(s.stopping)
	s.cancel()
	if s.httpSrv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = s.httpSrv.Shutdown(ctx)
		cancel()
		_ = s.httpSrv.Close()
	}
	s.wg.Wait()
	if s.persist != nil {
		s.mu.Lock()
		b, err := s.snapshotLocked()
		s.mu.Unlock()
		s.persist.flush(b, err)
	}
}

// Clock returns the clock the simulator runs on.
func (s *Server) Clock() clock.Clock { return s.clk }

// baseURL is the URL under which the simulator hands out its own links.
func (s *Server) baseURL() string {
	if p := s.base.Load(); p != nil {
		return *p
	}
	return ""
}

// notifyLocked wakes WaitFor callers; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}
