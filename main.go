// Command reducto-tray is a desktop tray app for the Reducto API: drop
// documents on it and it uploads them, submits asynchronous jobs, follows
// them to the end (webhooks or polling), keeps the history in SQLite and
// notifies. This file only wires: flags and env -> config -> store ->
// engine -> receiver -> ui.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/reductotray/reducto-tray/assets"
	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/jobs/store"
	"github.com/reductotray/reducto-tray/receiver"
	"github.com/reductotray/reducto-tray/receiver/control"
	"github.com/reductotray/reducto-tray/receiver/relay"
	"github.com/reductotray/reducto-tray/ui"
	"github.com/reductotray/reducto-tray/ui/notify"
)

// version is the app's version, reported by /healthz and the User-Agent.
const version = "0.1.0"

// Environment variables of the contract.
const (
	envAPIKey   = "REDUCTO_API_KEY"
	envBaseURL  = "REDUCTO_BASE_URL"
	envSecret   = "REDUCTO_WEBHOOK_SECRET"
	envRelayURL = "REDUCTO_TRAY_RELAY_URL"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// flags are the command line of the contract.
type flags struct {
	listen    string
	publicURL string
	webhook   string
	channels  []string
	headless  bool
	sandbox   bool
	relay     bool
	files     []string
}

func parseFlags(args []string) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("reducto-tray", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: reducto-tray [flags] [FILE...]\n       reducto-tray jobs --json")
		fs.PrintDefaults()
	}
	fs.StringVar(&f.listen, "listen", "", "receiver address (default: the saved setting, initially "+settings.DefaultListen+")")
	fs.StringVar(&f.publicURL, "public-url", "", "base URL under which the receiver is reachable from outside (direct webhooks)")
	fs.StringVar(&f.webhook, "webhook", "", "webhook mode for new submissions: none|svix|direct (default: the saved setting)")
	fs.Func("channel", "Svix channel for new submissions; repeatable", func(s string) error {
		f.channels = append(f.channels, s)
		return nil
	})
	fs.BoolVar(&f.headless, "headless", false, "run engine, receiver and notifications without any window or tray")
	fs.BoolVar(&f.sandbox, "sandbox", false, "use the built-in simulated Reducto API (no key, no network)")
	fs.BoolVar(&f.relay, "relay", false, "receive Svix deliveries through the built-in Svix relay client")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if f.webhook != "" && !jobs.WebhookMode(f.webhook).Valid() {
		return f, fmt.Errorf("--webhook %q: want none, svix or direct", f.webhook)
	}
	f.files = fs.Args()
	return f, nil
}

func run(args []string) int {
	if len(args) > 0 && args[0] == "jobs" {
		return runJobs(args[1:])
	}
	f, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	home, err := settings.Home()
	if err != nil {
		fmt.Fprintln(os.Stderr, "reducto-tray:", err)
		return 1
	}
	if handedOver(home, f.files) {
		return 0
	}
	// Claim the data folder before starting anything: of two launches
	// racing (a file manager opening several files), one listens and the
	// other hands its files over.
	var a *trayApp
	ready := make(chan struct{})
	ctl, err := control.Listen(home, func(ctx context.Context, req control.Request) (control.Response, error) {
		select {
		case <-ready:
		case <-ctx.Done():
			return control.Response{}, ctx.Err()
		}
		if ctx.Err() != nil {
			return control.Response{}, ctx.Err()
		}
		return a.handleControl(ctx, req)
	})
	if errors.Is(err, control.ErrAlreadyRunning) && handedOver(home, f.files) {
		return 0
	}
	logger, closeLog := openLog(home)
	defer closeLog()
	slog.SetDefault(logger)
	if err != nil {
		logger.Warn("control channel unavailable; a second launch will start another app", "err", err)
	} else {
		defer ctl.Close()
	}

	a, err = assemble(home, f, logger)
	if err != nil {
		logger.Error("start", "err", err)
		fmt.Fprintln(os.Stderr, "reducto-tray:", err)
		return 1
	}
	defer a.close()
	// Stop taking files before shutting down, so none is accepted and lost.
	a.stopControl = func() {
		if ctl != nil {
			ctl.Close()
		}
	}
	// The control channel serves once the UI (if any) can take files.
	a.ready = func() { close(ready) }
	if f.headless {
		return a.runHeadless(f.files)
	}
	return runDesktop(a, f.files)
}

// handedOver passes files to an instance already running on home, if any.
func handedOver(home string, files []string) bool {
	// As long as the instance may take (it may still be starting), so that
	// files it ends up taking are never reported as refused.
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	resp, err := control.Send(ctx, home, control.Request{Open: files, Show: len(files) == 0})
	if errors.Is(err, control.ErrNoInstance) {
		return false
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "reducto-tray: the running instance did not take the files:", err)
		os.Exit(1)
	}
	if len(files) == 0 {
		fmt.Println("Reducto Tray is already running; its window was brought forward.")
	} else {
		fmt.Printf("Handed %d file(s) to the running Reducto Tray. %s\n", resp.Accepted, resp.Message)
	}
	return true
}

// runJobs is `reducto-tray jobs --json`: the history, newest first, read
// from the database even while the app runs.
func runJobs(args []string) int {
	fs := flag.NewFlagSet("reducto-tray jobs", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the history as a JSON array, newest first")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !*asJSON {
		fmt.Fprintln(os.Stderr, "usage: reducto-tray jobs --json")
		return 2
	}
	home, err := settings.Home()
	if err != nil {
		fmt.Fprintln(os.Stderr, "reducto-tray:", err)
		return 1
	}
	path := settings.DatabasePath(home)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		fmt.Println("[]")
		return 0
	}
	store, err := store.OpenReadOnly(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reducto-tray:", err)
		return 1
	}
	defer store.Close()
	// Page by page, each page printed before the next is read: a history of
	// a million jobs never sits in memory whole.
	out := jobs.NewJSONArrayWriter(os.Stdout)
	for before := int64(0); ; {
		page, err := store.List(context.Background(), jobs.Query{BeforeID: before, Limit: 1000})
		if err != nil {
			fmt.Fprintln(os.Stderr, "reducto-tray: read history:", err)
			return 1
		}
		if err := out.Write(page); err != nil {
			fmt.Fprintln(os.Stderr, "reducto-tray:", err)
			return 1
		}
		if len(page) < 1000 {
			break
		}
		before = page[len(page)-1].ID
	}
	if err := out.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "reducto-tray:", err)
		return 1
	}
	return 0
}

// openLog logs to stderr and to reducto-tray.log in the data folder.
func openLog(home string) (*slog.Logger, func()) {
	path := filepath.Join(home, "reducto-tray.log")
	if info, err := os.Stat(path); err == nil && info.Size() > 10<<20 {
		_ = os.Rename(path, path+".1") // keep one old log, bounded
	}
	var w io.Writer = os.Stderr
	file, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err == nil {
		w = io.MultiWriter(os.Stderr, file)
	}
	logger := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return logger, func() {
		if file != nil {
			file.Close()
		}
	}
}

// trayApp is everything but the window: the parts headless and desktop share.
type trayApp struct {
	home     string
	log      *slog.Logger
	settings settings.Settings
	secrets  *settings.Secrets
	defaults jobs.Options
	sandbox  bool
	store    *store.Store
	engine   *engine.Engine
	client   *reducto.Client
	receiver *receiver.Server
	recvAddr string
	relay    *relay.Client
	notifier *notify.Notifier
	sim      *reductotest.Server
	forced   bool // --sandbox given: settings never switch it off

	mu        sync.Mutex
	webSecret string
	onRelay   func(relay.Status) // the UI's, once it exists

	ctx    context.Context
	cancel context.CancelFunc
	// onOpen and onShow are set by the desktop UI; headless submits directly.
	onOpen func(files []string) (int, error)
	onShow func()
	// ready lets the control channel serve requests; call it once.
	ready func()
	// stopControl closes the control channel (idempotent).
	stopControl func()
	// sessionDefaults says --webhook or --channel changed this run's
	// defaults, which are then not the saved ones.
	sessionDefaults bool
	notifySub       *jobs.Subscription
	notifyDone      chan struct{}
	applyMu         sync.Mutex // one settings change at a time
}

// assemble builds store, client (or sandbox), engine, receiver, relay,
// notifier and the control channel from flags, env and saved settings.
func assemble(home string, f flags, logger *slog.Logger) (*trayApp, error) {
	saved, err := settings.Load(home)
	if err != nil {
		logger.Warn("settings", "err", err)
	}
	// Headless too: a key saved by the desktop app lives in the keyring.
	secrets := settings.NewSecrets(home, true)
	a := &trayApp{home: home, log: logger, settings: saved, secrets: secrets}
	a.ctx, a.cancel = context.WithCancel(context.Background())

	listen := firstNonEmpty(f.listen, saved.Listen, settings.DefaultListen)
	publicURL := firstNonEmpty(f.publicURL, saved.PublicURL)
	a.defaults = saved.Defaults
	if f.webhook != "" {
		a.defaults.Webhook = jobs.WebhookMode(f.webhook)
		a.sessionDefaults = true
	}
	if len(f.channels) > 0 {
		a.defaults.Channels = f.channels
		a.sessionDefaults = true
	}

	apiKey := os.Getenv(envAPIKey)
	if apiKey == "" {
		apiKey, _ = secrets.Get(settings.SecretAPIKey)
	}
	a.webSecret = os.Getenv(envSecret)
	if a.webSecret == "" {
		a.webSecret, _ = secrets.Get(settings.SecretWebhook)
	}
	a.sandbox = f.sandbox || apiKey == ""
	a.forced = f.sandbox
	if a.sandbox && !f.sandbox {
		logger.Warn("no API key is set (REDUCTO_API_KEY or settings): running in sandbox mode with simulated results")
	}

	// The receiver's address is needed before the sandbox starts, since the
	// sandbox delivers its webhooks there.
	ln, lnErr := net.Listen("tcp", listen)
	if lnErr != nil {
		logger.Error("webhook receiver cannot listen; webhooks are off, polling still works", "addr", listen, "err", lnErr)
	} else {
		a.recvAddr = ln.Addr().String()
	}
	if a.sandbox && publicURL == "" && a.recvAddr != "" {
		publicURL = "http://" + a.recvAddr
	}

	baseURL := firstNonEmpty(os.Getenv(envBaseURL), saved.BaseURL())
	if a.sandbox {
		if a.webSecret == "" {
			a.webSecret = randomSecret()
		}
		cfg := reductotest.Config{
			SvixSecret: a.webSecret,
			StatePath:  filepath.Join(home, "sandbox.json"),
			Log:        logger.With("component", "sandbox"),
		}
		if a.recvAddr != "" {
			cfg.SvixEndpoint = "http://" + a.recvAddr + "/webhooks/svix"
		}
		sim, err := reductotest.New(cfg)
		if err != nil {
			return nil, fmt.Errorf("start sandbox: %w", err)
		}
		if err := sim.Start(); err != nil {
			return nil, fmt.Errorf("start sandbox: %w", err)
		}
		a.sim, baseURL, apiKey = sim, sim.URL, "sandbox"
		logger.Info("sandbox: simulated Reducto API", "url", sim.URL)
	}
	a.client = reducto.New(baseURL, apiKey, reducto.WithUserAgent("ReductoTray", version), reducto.WithLogger(logger))

	a.store, err = store.Open(settings.DatabasePath(home))
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, fmt.Errorf("open history: %w", err)
	}

	token, err := receiver.LoadOrCreateToken(home)
	if err != nil {
		logger.Error("direct webhook token", "err", err)
	}
	directURL := ""
	if publicURL != "" && token != "" {
		directURL = receiver.DirectURL(publicURL, token)
	}
	a.engine = engine.New(engine.Config{
		Client: a.client, Store: a.store, UploadConcurrency: saved.UploadConcurrency,
		DirectWebhookURL: directURL, Logger: logger.With("component", "engine"),
	})

	a.notifier = notify.New(notify.Config{
		Sender: notify.BeeepSender{AppName: notify.DefaultAppName, Icon: assets.Icon},
		Logger: logger.With("component", "notify"),
	})
	if m, err := notify.ParseMode(saved.Notifications); err == nil {
		a.notifier.SetMode(m)
	}

	a.receiver = receiver.New(receiver.Config{
		Addr:        listen,
		Secret:      a.secret,
		DirectToken: token,
		Sink:        a.engine,
		Log:         a.store,
		Health:      a.health,
		Version:     version,
		Logger:      logger.With("component", "receiver"),
	})
	if f.relay || saved.Relay {
		a.relay = relay.New(relay.Config{
			URL:     firstNonEmpty(os.Getenv(envRelayURL), relay.DefaultURL),
			Home:    home,
			Handler: a.receiver.Handler(),
			Logger:  logger.With("component", "relay"),
			OnState: func(st relay.Status) {
				logger.Info("relay", "state", st.State, "url", st.PublicURL, "err", st.Err)
				a.mu.Lock()
				show := a.onRelay
				a.mu.Unlock()
				if show != nil {
					show(st)
				}
			},
		})
	}

	// Subscribe before Start: a resumed job may end at once.
	a.notifySub = a.engine.Subscribe()
	a.notifyDone = make(chan struct{})
	go func() {
		defer close(a.notifyDone)
		a.notifier.Run(a.ctx, a.notifySub.C())
	}()
	if err := a.engine.Start(a.ctx); err != nil {
		return nil, err
	}
	if ln != nil {
		go func() {
			if err := a.receiver.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("webhook receiver stopped", "err", err)
			}
		}()
		logger.Info("webhook receiver listening", "addr", a.recvAddr)
	}
	if a.relay != nil {
		go a.relay.Run(a.ctx)
	}
	return a, nil
}

// health adds the engine's and the relay's state to /healthz.
func (a *trayApp) health() map[string]any {
	h := map[string]any{"jobs_in_flight": a.engine.Stats().InFlight, "sandbox": a.inSandbox()}
	if a.relay != nil {
		h["relay"] = a.relay.Status().Health()
	}
	return h
}

// handleControl takes files handed over by a second launch.
func (a *trayApp) handleControl(ctx context.Context, req control.Request) (control.Response, error) {
	if req.Show && a.onShow != nil {
		a.onShow()
	}
	if len(req.Open) == 0 {
		return control.Response{Message: "window shown"}, nil
	}
	n, err := a.open(req.Open)
	if err != nil && n == 0 {
		return control.Response{}, err
	}
	msg := fmt.Sprintf("%d queued", n)
	if err != nil {
		msg += "; " + err.Error()
	}
	return control.Response{Accepted: n, Message: msg}, nil
}

// open submits files with the defaults, through the UI when there is one.
func (a *trayApp) open(files []string) (int, error) {
	if a.onOpen != nil {
		return a.onOpen(files)
	}
	queued, err := a.engine.Submit(a.ctx, files, a.defaults)
	return len(queued), err
}

// runHeadless submits the command line's files and serves until a signal.
func (a *trayApp) runHeadless(files []string) int {
	a.ready()
	if len(files) > 0 {
		queued, err := a.engine.Submit(a.ctx, files, a.defaults)
		if err != nil {
			a.log.Error("submit", "err", err)
		}
		for _, j := range queued {
			a.log.Info("queued", "id", j.ID, "file", j.File, "kind", j.Kind, "webhook", j.Webhook)
		}
		if len(queued) == 0 && err != nil {
			return 1
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	a.log.Info("shutting down")
	a.stopControl()
	return 0
}

// close stops everything in the reverse order of assemble.
func (a *trayApp) close() {
	if a.stopControl != nil {
		a.stopControl()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if a.receiver != nil {
		_ = a.receiver.Shutdown(ctx)
	}
	if a.engine != nil {
		a.engine.Close()
	}
	if a.notifySub != nil {
		// Outcomes still waiting for their burst window are shown, not lost.
		a.notifySub.Close()
		select {
		case <-a.notifyDone:
		case <-ctx.Done():
		}
	}
	a.cancel()
	if a.store != nil {
		a.store.Close()
	}
	if a.sim != nil {
		a.sim.Close()
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// randomSecret makes a Svix signing secret for a sandbox session that has
// none configured, so its webhooks are still signed and verified.
func randomSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// secret is the Svix signing secret the receiver verifies with.
func (a *trayApp) secret() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.webSecret
}

// inSandbox reports whether new submissions go to the simulated API.
func (a *trayApp) inSandbox() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sandbox
}

// applySettings puts what the user saved into effect without a restart
// where that is possible (the receiver address, public URL and relay need
// one, and the settings screen says so). It reads the keyring, so it runs
// off the UI goroutine; it reports whether the app just left the sandbox.
func (a *trayApp) applySettings(s settings.Settings) (leftSandbox bool) {
	a.applyMu.Lock()
	defer a.applyMu.Unlock()
	a.engine.SetUploadConcurrency(s.UploadConcurrency)
	if m, err := notify.ParseMode(s.Notifications); err == nil {
		a.notifier.SetMode(m)
	}
	if os.Getenv(envSecret) == "" {
		if v, err := a.secrets.Get(settings.SecretWebhook); err == nil && v != "" {
			a.mu.Lock()
			a.webSecret = v
			a.mu.Unlock()
		}
	}
	key := os.Getenv(envAPIKey)
	if key == "" {
		key, _ = a.secrets.Get(settings.SecretAPIKey)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.sandbox && (a.forced || key == "") {
		return false // the simulated API stays in charge
	}
	if key != "" {
		a.client.SetCredentials(firstNonEmpty(os.Getenv(envBaseURL), s.BaseURL()), key)
	}
	if a.sandbox && key != "" {
		a.sandbox = false
		a.log.Info("API key set: leaving sandbox mode for new submissions")
		return true
	}
	return false
}

// runDesktop shows the window and the tray and runs until Quit.
func runDesktop(a *trayApp, files []string) int {
	// A plain `go build` embeds no FyneApp.toml; without a name the tray
	// would be titled with the bare ID.
	fyneapp.SetMetadata(fyne.AppMetadata{ID: ui.AppID, Name: "Reducto Tray", Version: version, Icon: ui.AppIcon})
	fa := fyneapp.NewWithID(ui.AppID)
	fa.SetIcon(ui.AppIcon)
	w := fa.NewWindow("Reducto Tray")
	var session *jobs.Options
	if a.sessionDefaults {
		session = &a.defaults // --webhook and --channel: this run only
	}
	var u *ui.App
	u = ui.New(fa, w, ui.Config{
		Backend:         a.engine,
		Home:            a.home,
		Settings:        a.settings,
		SessionDefaults: session,
		Secrets:         a.secrets,
		Notify:          a.notifier,
		Sandbox:         a.inSandbox(),
		SandboxForced:   a.forced,
		DirectURL:       a.engine.DirectWebhookURL,
		RelayStatus: func() (string, string) {
			if a.relay == nil {
				return "", ""
			}
			s := a.relay.Status()
			return s.State, s.PublicURL
		},
		OnSettingsChanged: func(s settings.Settings) {
			go func() { // the keyring may be slow: not on the UI goroutine
				if a.applySettings(s) {
					u.SetSandbox(false)
				}
			}()
		},
	})
	a.notifier.SetOnHealth(u.SetNotifyHealth)
	a.mu.Lock()
	a.onRelay = func(st relay.Status) { u.SetRelayStatus(st.State, st.PublicURL) }
	a.mu.Unlock()
	a.onOpen = func(paths []string) (int, error) {
		u.OpenFiles(paths)
		return len(paths), nil
	}
	a.onShow = u.ShowWindow
	a.ready()
	u.SetupTray() // before Run: the tray only starts inside it
	w.SetOnDropped(u.Dropped)
	if len(files) > 0 {
		u.OpenFiles(files)
	}
	// Start-up (font parsing, the first pages, the window's first frames)
	// leaves some 15 MB of freed heap that the runtime keeps mapped, since
	// its goal is sized by the start-up's peak; an app idling in the tray
	// for hours should hand it back. Once is enough: idle, it allocates
	// nothing (docs/benchmarks.md, "Desktop start-up and idle").
	freeStartup := time.AfterFunc(5*time.Second, debug.FreeOSMemory)
	defer freeStartup.Stop()
	w.ShowAndRun()
	a.stopControl()
	u.Close()
	return 0
}
