// Package core is Reducto Tray's application core: from the command line,
// the environment and the saved settings it builds and runs the parts (the
// SQLite store, the Reducto client or the sandbox, the engine, the webhook
// receiver, the Svix relay and the notifier), keeps them in step with the
// settings service, takes files from the control channel and stops them in
// order. main only wires it to the UI; headless mode is this package alone.
package core

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/account"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/intake"
	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/presets"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/search"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/jobs/store"
	"github.com/reductotray/reducto-tray/jobs/watch"
	"github.com/reductotray/reducto-tray/receiver"
	"github.com/reductotray/reducto-tray/receiver/control"
	"github.com/reductotray/reducto-tray/receiver/relay"
)

// Version is the app's version, reported by /healthz and the User-Agent.
const Version = "0.2.0"

// Notifier shows job outcomes (ui/notify in the app). Run consumes events
// until they end or ctx is done; Apply takes the settings in force.
type Notifier interface {
	Run(ctx context.Context, events <-chan jobs.Event)
	Apply(settings.Effective)
}

// Config is what Start needs besides the data folder's contents.
type Config struct {
	Home     string
	Flags    Flags
	Settings *settings.Service
	Notifier Notifier // nil: no notifications
	Logger   *slog.Logger
}

// App is the running core. Its methods are safe for concurrent use.
type App struct {
	cfg       Config
	home      string
	log       *slog.Logger
	settings  *settings.Service
	store     *store.Store
	engine    *engine.Engine
	client    *reducto.Client
	receiver  *receiver.Server
	recvAddr  string
	token     string // the direct endpoint's secret path segment
	relay     *relay.Client
	sim       *reductotest.Server
	simPages  *pages.Renderer // reads the sandbox's uploads (sandbox_layout.go)
	forced    bool            // --sandbox: settings never leave the sandbox
	presets   *presets.Store
	runPreset *presets.Preset // --preset, read at start; nil if none
	watch     *watch.Manager  // watched folders (jobs/core/watch.go)
	// deliveries: the delivery log's subscribers and forwarding (forward.go)
	deliveries *deliveryHub
	account    *account.Monitor // the account's other jobs (jobs/core/account.go)
	budget     *account.Budget
	indexer    *search.Indexer // the full-text index of results (jobs/core/search.go)

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	notifySub   *jobs.Subscription
	notifyDone  chan struct{}
	unsubscribe func()

	mu        sync.Mutex
	sandbox   bool
	webSecret string
	publicURL string
	defaults  jobs.Options
	session   bool // --webhook/--channel: this run's defaults differ from the saved ones
	onOpen    func(paths []string) (int, error)
	onShow    func()
	onRelay   func(relay.Status)
	onSandbox func(bool)
	quitting  bool
	applyMu   sync.Mutex
}

// Start builds and starts every part. On error, what was started is
// stopped again.
func Start(cfg Config) (a *App, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	a = &App{cfg: cfg, home: cfg.Home, log: cfg.Logger, settings: cfg.Settings, forced: cfg.Flags.Sandbox}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	// A failed start returns nil, which clears a before this runs: stop
	// what was started through its own pointer.
	started := a
	defer func() {
		if err != nil {
			started.Close()
			a = nil
		}
	}()
	f := cfg.Flags
	if f.Sandbox {
		// Before --preset is read: a first run may name an example.
		if names, err := installExamples(a.home); err != nil {
			a.log.Warn("sandbox: could not add the examples", "err", err)
		} else if len(names) > 0 {
			a.log.Info("sandbox: first run, added example presets and sample documents (delete them when done)",
				"presets", names, "documents", datadir.ExamplesDir(a.home))
		}
	}
	if err := a.loadRunPreset(f.Preset); err != nil {
		return nil, err
	}
	eff := cfg.Settings.Effective()
	a.defaults = eff.Defaults
	if f.Webhook != "" {
		a.defaults.Webhook, a.session = f.Webhook, true
	}
	if len(f.Channels) > 0 {
		a.defaults.Channels, a.session = f.Channels, true
	}
	a.publicURL = firstNonEmpty(f.PublicURL, eff.PublicURL)
	a.webSecret = eff.WebhookSecret
	a.sandbox = f.Sandbox || eff.APIKey == ""
	if a.sandbox && !f.Sandbox {
		a.log.Warn("no API key is set (REDUCTO_API_KEY or settings): running in sandbox mode with simulated results")
	}

	// The receiver's address is needed before the sandbox starts, since
	// the sandbox delivers its webhooks there.
	listen := firstNonEmpty(f.Listen, eff.Listen, settings.DefaultListen)
	ln, lnErr := net.Listen("tcp", listen)
	if lnErr != nil {
		a.log.Error("webhook receiver cannot listen; webhooks are off, polling still works", "addr", listen, "err", lnErr)
	} else {
		a.recvAddr = ln.Addr().String()
	}
	defer func() {
		if err != nil && ln != nil {
			ln.Close()
		}
	}()

	baseURL, apiKey := eff.APIBaseURL, eff.APIKey
	if a.sandbox {
		if baseURL, apiKey, err = a.startSandbox(); err != nil {
			return nil, err
		}
	}
	a.client = reducto.New(baseURL, apiKey, reducto.WithUserAgent("ReductoTray", Version), reducto.WithLogger(a.log))

	if a.store, err = store.Open(datadir.DatabasePath(a.home)); err != nil {
		return nil, fmt.Errorf("open history: %w", err)
	}
	token, terr := receiver.LoadOrCreateToken(a.home)
	if terr != nil {
		a.log.Error("direct webhook token; direct mode is off", "err", terr)
	}
	a.token = token
	a.startDeliveries(eff)
	a.engine = engine.New(engine.Config{
		Client: a.client, Store: a.store, UploadConcurrency: eff.UploadConcurrency,
		DirectWebhookURL: directURL(a.publicURL, token), Logger: a.log.With("component", "engine"),
	})
	a.engine.SetThenResolver(a.thenOptions) // presets' "then" (chain.go)
	a.receiver = receiver.New(receiver.Config{
		Addr:           listen,
		Secret:         a.secret,
		PublicURL:      a.PublicURL,
		DirectToken:    token,
		Sink:           accountSink{a},
		Log:            a.store,
		Records:        a.store,
		ForwardTargets: a.deliveries.forwardTargets,
		OnRecorded:     a.deliveries.recorded,
		Health:         a.health,
		Version:        Version,
		Logger:         a.log.With("component", "receiver"),
	})
	if f.Relay || eff.Relay {
		a.relay = relay.New(relay.Config{
			URL:     firstNonEmpty(cfg.Settings.Getenv(settings.EnvRelayURL), relay.DefaultURL),
			Home:    a.home,
			Handler: a.receiver.Handler(),
			Logger:  a.log.With("component", "relay"),
			OnState: a.relayState,
		})
	}
	a.startAccount(eff)
	if cfg.Notifier != nil {
		cfg.Notifier.Apply(eff)
		// Subscribe before Start: a resumed job may end at once.
		a.notifySub = a.engine.Subscribe()
		a.notifyDone = make(chan struct{})
		go func() {
			defer close(a.notifyDone)
			cfg.Notifier.Run(a.ctx, a.notifyEvents(a.notifySub.C()))
		}()
	}
	a.unsubscribe = cfg.Settings.Subscribe(a.apply)
	a.startSearch()
	if err := a.engine.Start(a.ctx); err != nil {
		return nil, fmt.Errorf("start engine: %w", err)
	}
	if err := a.startWatch(eff); err != nil {
		return nil, err
	}
	if ln != nil {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			if err := a.receiver.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.log.Error("webhook receiver stopped", "err", err)
			}
		}()
		a.log.Info("webhook receiver listening", "addr", a.recvAddr)
	}
	if a.relay != nil {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			_ = a.relay.Run(a.ctx)
		}()
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.maintain(a.ctx)
	}()
	return a, nil
}

// startSandbox runs the simulated Reducto API in-process. It always gets
// its own random signing secret and key: a sandbox must never verify with,
// or send, the user's real ones.
func (a *App) startSandbox() (baseURL, apiKey string, err error) {
	secret := randomSecret()
	a.mu.Lock()
	a.webSecret = secret
	if a.publicURL == "" && a.recvAddr != "" {
		a.publicURL = "http://" + a.recvAddr
	}
	a.mu.Unlock()
	cfg := reductotest.Config{
		SvixSecret: secret,
		StatePath:  datadir.SandboxStatePath(a.home),
		Log:        a.log.With("component", "sandbox"),
	}
	// The sandbox's parse results carry the uploads' real text and boxes.
	a.simPages = pages.New(sandboxPages)
	cfg.Layout = sandboxLayout(a.simPages)
	if a.recvAddr != "" {
		cfg.SvixEndpoint = "http://" + a.recvAddr + "/webhooks/svix"
	}
	sim, err := reductotest.New(cfg)
	if err != nil {
		return "", "", fmt.Errorf("start sandbox: %w", err)
	}
	if err := sim.Start(); err != nil {
		return "", "", fmt.Errorf("start sandbox: %w", err)
	}
	a.sim = sim
	a.log.Info("sandbox: simulated Reducto API", "url", sim.URL)
	return sim.URL, "sandbox-" + randomSecret(), nil
}

// Close stops everything in the reverse order of Start. Files handed over
// meanwhile are refused with control.ErrQuitting, so their sender waits and
// starts the app again rather than losing them.
func (a *App) Close() {
	a.mu.Lock()
	a.quitting = true
	a.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if a.unsubscribe != nil {
		a.unsubscribe()
	}
	if a.receiver != nil {
		_ = a.receiver.Shutdown(ctx)
	}
	a.stopDeliveries()
	a.stopWatch()
	if a.engine != nil {
		a.engine.Close()
	}
	if a.notifySub != nil {
		// Outcomes still being shown are shown, not lost.
		a.notifySub.Close()
		select {
		case <-a.notifyDone:
		case <-ctx.Done():
		}
	}
	a.cancel()
	a.wg.Wait()
	if a.store != nil {
		a.store.Close()
	}
	if a.sim != nil {
		a.sim.Close()
	}
	if a.simPages != nil {
		_ = a.simPages.Close()
	}
}

// Engine is the engine, the UI's Backend.
func (a *App) Engine() *engine.Engine { return a.engine }

// Settings is the settings service.
func (a *App) Settings() *settings.Service { return a.settings }

// ReceiverAddr is where the webhook receiver listens ("" when it could not).
func (a *App) ReceiverAddr() string { return a.recvAddr }

// Defaults are the options new submissions use in this run.
func (a *App) Defaults() jobs.Options {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.defaults
}

// SessionDefaults returns this run's defaults when --webhook or --channel
// made them differ from the saved ones, else nil.
func (a *App) SessionDefaults() *jobs.Options {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.session {
		return nil
	}
	d := a.defaults
	return &d
}

// InSandbox reports whether new submissions go to the simulated API.
func (a *App) InSandbox() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sandbox
}

// SandboxForced says --sandbox was given: the first-run prompt is not
// offered and a saved key does not leave the sandbox.
func (a *App) SandboxForced() bool { return a.forced }

// PublicURL is the base URL the receiver is reachable under ("" if none).
func (a *App) PublicURL() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.publicURL
}

// RelayStatus is the Svix relay's state and public URL ("", "" when off).
func (a *App) RelayStatus() (state, url string) {
	if a.relay == nil {
		return "", ""
	}
	s := a.relay.Status()
	return s.State, s.PublicURL
}

// Frontend is how a UI hears of the core: files handed over by a second
// launch, requests to show the window, relay and sandbox changes. Any
// field may be nil.
type Frontend struct {
	Open    func(paths []string) (int, error)
	Show    func()
	Relay   func(state, url string)
	Sandbox func(on bool)
}

// Attach connects a UI; call it before Serve hands files over.
func (a *App) Attach(f Frontend) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.onOpen, a.onShow, a.onSandbox = f.Open, f.Show, f.Sandbox
	if f.Relay != nil {
		a.onRelay = func(st relay.Status) { f.Relay(st.State, st.PublicURL) }
	}
}

// Submit takes paths (files and folders) as a drop or the command line
// does and submits the documents with opts; what was skipped is returned
// with the reason.
func (a *App) Submit(ctx context.Context, paths []string, opts jobs.Options) ([]jobs.Job, []intake.Skip, error) {
	files, skipped := intake.Collect(paths)
	if len(files) == 0 {
		return nil, skipped, nil
	}
	queued, err := a.engine.Submit(ctx, files, opts)
	return queued, skipped, err
}

// cliDefaults are the options for files named on this run's command line:
// its --preset applied to the defaults, or the defaults.
func (a *App) cliDefaults() jobs.Options {
	d := a.Defaults()
	if p, ok := a.RunPreset(); ok {
		d = p.Apply(d, false)
	}
	d.Source = jobs.SourceCLI
	return d
}

// HandleControl takes a request from a second launch: files are opened as
// a drop would (through the UI when there is one) and the window shown.
// With a preset (the launch's --preset) the files are submitted with it,
// read from this instance's presets folder; an unknown or invalid one
// refuses the files with the file and the field.
func (a *App) HandleControl(ctx context.Context, req control.Request) (control.Response, error) {
	a.mu.Lock()
	quitting, open, show := a.quitting, a.onOpen, a.onShow
	a.mu.Unlock()
	if quitting {
		return control.Response{}, control.ErrQuitting
	}
	if req.Show && show != nil {
		show()
	}
	if len(req.Open) == 0 {
		return control.Response{Message: "window shown"}, nil
	}
	// A launch without --preset hands its files over for the defaults,
	// not for this run's preset.
	opts := a.Defaults()
	opts.Source = jobs.SourceCLI
	if req.Preset != "" {
		var err error
		if opts, err = a.PresetOptions(req.Preset, jobs.SourceCLI, false); err != nil {
			return control.Response{}, fmt.Errorf("--preset %s: %w", req.Preset, err)
		}
		// The UI's open takes no options: submit here; its list shows
		// the jobs through the engine's events all the same.
		open = nil
	}
	if open != nil {
		n, err := open(req.Open)
		if err != nil && n == 0 {
			return control.Response{}, err
		}
		return control.Response{Accepted: n, Message: fmt.Sprintf("%d queued", n)}, nil
	}
	queued, skipped, err := a.Submit(ctx, req.Open, opts)
	if err != nil && len(queued) == 0 {
		return control.Response{}, err
	}
	msg := fmt.Sprintf("%d queued", len(queued))
	if note := intake.SkippedNote(skipped); note != "" {
		msg += "; " + note
	}
	return control.Response{Accepted: len(queued), Message: msg}, nil
}

// health adds the engine's and the relay's state to /healthz.
func (a *App) health() map[string]any {
	h := map[string]any{"jobs_in_flight": a.engine.Stats().InFlight, "sandbox": a.InSandbox()}
	if a.relay != nil {
		h["relay"] = a.relay.Status().Health()
	}
	return h
}

func (a *App) relayState(st relay.Status) {
	a.log.Info("relay", "state", st.State, "url", st.PublicURL, "err", st.Err)
	a.mu.Lock()
	show := a.onRelay
	a.mu.Unlock()
	if show != nil {
		show(st)
	}
}

// secret is the Svix signing secret the receiver verifies with.
func (a *App) secret() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.webSecret
}

func directURL(publicURL, token string) string {
	if publicURL == "" || token == "" {
		return ""
	}
	return receiver.DirectURL(publicURL, token)
}

// firstNonEmpty returns the first value that is not blank: a flag, then
// the environment, then the saved setting (a blank one does not hide the
// next, as before the core existed).
func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// randomSecret makes a Svix signing secret for the sandbox.
func randomSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}
