// Package ui is Reducto Tray's Fyne desktop interface: the window (drop
// zone, submit panel, job list, job detail, settings), the tray and the
// first-run prompt. It talks to the rest of the app only through the engine
// (Backend) and the settings package; it never speaks HTTP or SQL.
//
// Threading: everything that touches widgets runs on Fyne's main goroutine.
// Widget callbacks already do; work that may block (SQLite, the keyring,
// the network behind the engine) runs in goroutines started by (*App).goBg,
// which report back through (*App).do, a wrapper of fyne.Do. Close stops
// and waits for all of them, so nothing touches a widget after it returns.
package ui

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/ui/pageview"
	"github.com/reductotray/reducto-tray/ui/webhooksview"
)

// AppID is the reverse-DNS identifier of Reducto Tray (FyneApp.toml's ID);
// the autostart entry is named after it.
const AppID = "ai.reducto.tray"

// Backend is the part of the engine (*engine.Engine) the UI uses.
type Backend interface {
	Submit(ctx context.Context, files []string, opts jobs.Options) ([]jobs.Job, error)
	Cancel(ctx context.Context, id int64) error
	Retry(ctx context.Context, id int64) (jobs.Job, error)
	List(ctx context.Context, q jobs.Query) ([]jobs.Job, error)
	Count(ctx context.Context, q jobs.Query) (int, error)
	Job(ctx context.Context, id int64) (jobs.Job, error)
	Result(ctx context.Context, id int64) ([]byte, error)
	Timeline(ctx context.Context, id int64) ([]jobs.Transition, error)
	Subscribe() *jobs.Subscription
	Stats() jobs.Stats
	ConfigureWebhook(ctx context.Context) (string, error)
}

// SettingsService is the settings' one owner (*settings.Service).
type SettingsService interface {
	Settings() settings.Settings
	Save(settings.Settings) error
	// Update changes the saved settings in place (the watched folders),
	// so an edit never undoes another made meanwhile.
	Update(change func(*settings.Settings)) (settings.Settings, error)
	Secret(name string) (string, error)
	SetSecret(name, value string) error
	Effective() settings.Effective
}

// NotifyControl is what the tray needs of the notifier (ui/notify): pausing
// it, and its last delivery error, shown as "needs attention".
type NotifyControl interface {
	PauseUntil(t time.Time)
	Resume()
	LastError() error
}

// Config is what main hands the UI.
type Config struct {
	Backend Backend
	// Settings owns the saved settings and secrets; widgets only ask it
	// to save, and what is saved reaches the engine, the receiver and the
	// notifier through it.
	Settings SettingsService
	Notify   NotifyControl // nil: no notification controls
	// Sandbox says the engine runs against the built-in simulator; a
	// banner says results are simulated.
	Sandbox bool
	// SessionDefaults, when set, are the options new submissions use in
	// this run instead of Settings.Defaults (--webhook and --channel); they
	// are never saved unless the user saves defaults.
	SessionDefaults *jobs.Options
	// SandboxForced says the sandbox was asked for (--sandbox), rather
	// than entered because no API key is set: only then is the first-run
	// prompt (enter a key, or keep trying the sandbox) not offered.
	SandboxForced bool
	// Examples is the folder of sample documents a first --sandbox run
	// wrote beside its example presets; "" when there is none. The empty
	// job list points to it.
	Examples string
	// DirectURL returns the URL direct-mode jobs send their webhook to;
	// "" when direct mode is unavailable (no public URL).
	DirectURL func() string
	// RelayStatus returns the Svix relay's state and public URL; nil when
	// the relay is not running.
	RelayStatus func() (state, url string)
	// Presets are the saved presets; nil: no preset picker.
	Presets Presets
	// Folders reports the watched folders' live status and pauses them;
	// nil: the folders are listed without a status.
	Folders Folders
	// Deliveries is the webhook delivery log and its tools for the
	// Webhooks tab; nil: the tab says nothing was recorded.
	Deliveries Deliveries
	// Account is the account monitor and usage for the Account tab; nil:
	// the tab explains the setting.
	Account AccountSource
	// Fetcher downloads what results link to (figures, Reducto's PDF of
	// an office file) through the core's checked client; nil: the default
	// checked client of jobs/export.
	Fetcher Fetcher
	// Pages renders source documents for the page view beside a result:
	// the core's one jobs/pages renderer (creating it starts nothing;
	// PDFium starts with the first PDF shown). nil: no page view.
	Pages pageview.Renderer
	// Search finds words in the results (the Jobs search box); nil: the
	// box searches file names only.
	Search Searcher
	// ListenAddr is the receiver's address ("" when it is not listening).
	ListenAddr string
	// OpenURL opens a file or folder (file://) with the desktop's
	// default application; nil = the Fyne app's OpenURL.
	OpenURL func(*url.URL) error
	// Executable is the command the autostart entry runs; "" = os.Executable.
	Executable string
	// Now is the clock for ages and pauses; nil = time.Now.
	Now func() time.Time
}

// App is the UI of one window and its tray. Its exported methods are the
// entry points main wires to Fyne and to the control channel.
type App struct {
	app fyne.App
	win fyne.Window
	cfg Config
	be  Backend
	log *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	bgMu   sync.Mutex
	closed bool
	timers map[uint64]*time.Timer // pending, each counted in wg
	timerN uint64

	// uiMu serialises what background goroutines do through (*App).do. On
	// the real driver those closures all run on the main goroutine anyway;
	// the test driver runs them inline on the calling goroutine, and tests
	// take uiMu to read widgets without racing them.
	uiMu sync.Mutex

	// settings is the last saved copy; only touched on the main goroutine.
	settings settings.Settings
	// defaults are what new submissions use: the saved defaults, or this
	// run's SessionDefaults until the user saves new ones. Main goroutine.
	defaults jobs.Options
	// presetNames are the presets the pickers and the tray offer, sorted.
	// Main goroutine.
	presetNames []string
	// presetGen orders preset-list updates: a list read in the background
	// is dropped if a newer read or a save came meanwhile. Main goroutine.
	presetGen uint64
	// folders are the watched folders' statuses as last reported. Main
	// goroutine.
	folders []jobs.FolderStatus
	// lastDir is where the file dialog opened last. Main goroutine.
	lastDir fyne.ListableURI

	sub      *jobs.Subscription
	firstRun *firstRunPrompt // the first-run dialog once shown
	// submit, prefs, webhooks and account are nil until first needed:
	// use their getters (lazyviews.go).
	submit   *SubmitForm
	list     *JobList
	search   *SearchView
	detail   *DetailView
	prefs    *settingsTab
	webhooks *webhooksview.View
	account  *AccountView
	tray     *Tray
	tabs     *container.AppTabs
	status   *widget.Label
	// statusSeq counts status messages: a timer clears only its own.
	statusSeq uint64
	banner    fyne.CanvasObject
	content   fyne.CanvasObject
}

// New builds the UI into w and starts following engine events. Call
// SetupTray before the app runs, and Close when done (tests; main may let
// the process exit).
func New(a fyne.App, w fyne.Window, cfg Config) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OpenURL == nil {
		cfg.OpenURL = a.OpenURL
	}
	if cfg.DirectURL == nil {
		cfg.DirectURL = func() string { return "" }
	}
	a.Settings().SetTheme(newAppTheme(a.Settings().Theme())) // contrast and focus that can be seen
	ctx, cancel := context.WithCancel(context.Background())
	u := &App{app: a, win: w, cfg: cfg, be: cfg.Backend, log: slog.Default().With("part", "ui"),
		ctx: ctx, cancel: cancel, settings: cfg.Settings.Settings(), defaults: cfg.Settings.Settings().Defaults, timers: map[uint64]*time.Timer{}}
	if cfg.SessionDefaults != nil {
		u.defaults = *cfg.SessionDefaults
	}
	u.status = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	u.status.Hide() // shown with a message
	u.list = newJobList(u)
	u.search = newSearchView(u)
	u.list.syncDrop()
	u.detail = newDetailView(u)
	u.tray = newTray(u)
	u.content = u.build()
	w.SetContent(u.content)
	w.Resize(fyne.NewSize(1000, 680))

	u.sub = u.be.Subscribe()
	if u.sub != nil {
		u.goBg(u.follow)
	}
	u.list.Reload()
	u.tray.reloadRecent()
	u.reloadPresets()
	u.followFolders()
	u.search.followIndex()
	if !cfg.SandboxForced && !u.settings.Sandbox {
		u.goBg(u.checkFirstRun)
	}
	return u
}

func (u *App) build() fyne.CanvasObject {
	split := container.NewHSplit(u.search.wrap(u.list.Widget()), u.detail.Object())
	split.Offset = 0.55
	jobsTab := container.NewBorder(u.list.Toolbar(), nil, nil, nil, split)
	// The other tabs are built the first time they are opened (lazyviews.go).
	lazy := u.lazyTabs()
	u.tabs = container.NewAppTabs(
		container.NewTabItem("Jobs", jobsTab),
		container.NewTabItem("Submit", container.NewStack()),
		container.NewTabItem("Settings", container.NewStack()),
		container.NewTabItem("Webhooks", container.NewStack()),
		container.NewTabItem("Account", container.NewStack()),
	)
	u.tabs.OnSelected = func(t *container.TabItem) {
		if build, ok := lazy[t.Text]; ok {
			delete(lazy, t.Text)
			t.Content = build()
			u.tabs.Refresh()
		}
		if t.Text == "Webhooks" {
			u.webhooks.Start() // the log is read once the tab is seen
		}
		if t.Text == "Account" {
			u.account.start()
		}
	}
	u.banner = sandboxBanner()
	if !u.cfg.Sandbox {
		u.banner.Hide()
	}
	return container.NewBorder(u.banner, u.status, nil, nil, u.tabs)
}

// ShowWindow shows and raises the window; safe from any goroutine.
func (u *App) ShowWindow() {
	fyne.Do(func() {
		u.win.Show()
		u.win.RequestFocus()
		u.tray.windowShown()
	})
}

// SetSandbox shows or hides the "results are simulated" banner; safe from
// any goroutine.
func (u *App) SetSandbox(on bool) {
	fyne.Do(func() {
		if on {
			u.banner.Show()
		} else {
			u.banner.Hide()
		}
	})
}

// SetRelayStatus shows the relay's state and public URL in the settings;
// main calls it on every change of the relay. Safe from any goroutine.
func (u *App) SetRelayStatus(state, url string) {
	u.do(func() {
		// A view built later reads the relay's state itself (cfg.RelayStatus).
		if u.prefs != nil {
			u.prefs.ShowRelay(state, url)
		}
		if u.webhooks != nil {
			u.webhooks.SetRelay(state, url)
		}
	})
}

// SetNotifyHealth reports the notifier's health (nil = fine): main wires the
// notifier's OnHealth callback here. Safe from any goroutine.
func (u *App) SetNotifyHealth(err error) {
	u.do(func() { u.tray.setNotifyError(err) })
}

// Close stops the event follower and every background task and waits for
// them. After it returns the UI touches no widget.
func (u *App) Close() {
	u.bgMu.Lock()
	if u.closed {
		u.bgMu.Unlock()
		return
	}
	u.closed = true
	timers := u.timers
	u.timers = map[uint64]*time.Timer{}
	u.bgMu.Unlock()
	for _, t := range timers {
		t.Stop()
		u.wg.Done()
	}
	u.cancel()
	if u.sub != nil {
		u.sub.Close()
	}
	u.wg.Wait()
}

// goBg runs f in a goroutine that Close waits for; after Close it does
// nothing.
func (u *App) goBg(f func(ctx context.Context)) {
	u.bgMu.Lock()
	defer u.bgMu.Unlock()
	if u.closed {
		return
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		f(u.ctx)
	}()
}

// after runs f in the background after d, unless stop or Close comes first.
// A pending timer counts in wg, so Close waits for a callback that already
// started and cancels the rest; whoever removes the timer from the map (the
// callback, stop or Close) owns its wg.Done.
func (u *App) after(d time.Duration, f func(ctx context.Context)) (stop func()) {
	u.bgMu.Lock()
	defer u.bgMu.Unlock()
	if u.closed {
		return func() {}
	}
	u.timerN++
	id := u.timerN
	u.wg.Add(1)
	u.timers[id] = time.AfterFunc(d, func() {
		u.bgMu.Lock()
		_, live := u.timers[id]
		delete(u.timers, id)
		u.bgMu.Unlock()
		if !live {
			return
		}
		defer u.wg.Done()
		if u.ctx.Err() == nil {
			f(u.ctx)
		}
	})
	return func() {
		u.bgMu.Lock()
		t, live := u.timers[id]
		delete(u.timers, id)
		u.bgMu.Unlock()
		if live {
			t.Stop()
			u.wg.Done()
		}
	}
}

// do runs f on the main goroutine, unless the UI is closed.
func (u *App) do(f func()) {
	fyne.Do(func() {
		if u.ctx.Err() != nil {
			return
		}
		u.uiMu.Lock()
		defer u.uiMu.Unlock()
		f()
	})
}

// How long the status line keeps a message: news goes after a short
// read, a problem stays longer; the next message replaces either.
var (
	statusNewsFor    = 8 * time.Second
	statusProblemFor = 30 * time.Second
)

// setStatus shows a one-line message at the bottom of the window until
// statusNewsFor has passed or another message replaces it. Main goroutine.
func (u *App) setStatus(msg string) { u.showStatus(msg, widget.MediumImportance, statusNewsFor) }

// setWarning is setStatus for what went partly wrong (files refused, a
// setting not applied): in the warning colour, kept statusProblemFor.
func (u *App) setWarning(msg string) {
	u.showStatus(msg, widget.WarningImportance, statusProblemFor)
}

func (u *App) showStatus(msg string, imp widget.Importance, keep time.Duration) {
	u.statusSeq++
	seq := u.statusSeq
	u.status.Importance = imp
	u.status.SetText(msg)
	show(u.status, msg != "") // an empty status line is a band of nothing under every tab
	if msg == "" {
		return
	}
	u.after(keep, func(context.Context) {
		u.do(func() {
			if u.statusSeq == seq {
				u.status.Importance = widget.MediumImportance
				u.status.SetText("")
				u.status.Hide()
			}
		})
	})
}

// showError reports err in the status line, in the error colour and for
// statusProblemFor, and logs it. what names the action; an error that
// already starts with it ("replay: …") is not prefixed again.
func (u *App) showError(what string, err error) {
	u.log.Warn(what, "err", err)
	u.showStatus(errorLine(what, err), widget.DangerImportance, statusProblemFor)
}

// errorLine is "what: err" without saying what twice.
func errorLine(what string, err error) string {
	msg := err.Error()
	if strings.HasPrefix(strings.ToLower(msg), strings.ToLower(what)+": ") {
		msg = msg[len(what)+2:]
	}
	return what + ": " + msg
}

// follow applies engine events to the list, the detail view and the tray.
// Events are folded into the data on this goroutine and only the redraw goes
// to the main goroutine, at most one at a time, so a burst of 500 events
// costs a handful of redraws.
func (u *App) follow(ctx context.Context) {
	tick := time.NewTicker(30 * time.Second) // ages in the list
	defer tick.Stop()
	c := u.sub.C()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			u.do(u.list.refreshVisible)
			// Presets copied into the folder by hand show up too.
			u.do(u.reloadPresets)
		case ev, ok := <-c:
			if !ok {
				return
			}
			batch := []jobs.Event{ev}
		drain:
			for len(batch) < 1000 {
				select {
				case ev, ok := <-c:
					if !ok {
						break drain
					}
					batch = append(batch, ev)
				default:
					break drain
				}
			}
			u.applyEvents(batch)
		}
	}
}

func (u *App) applyEvents(batch []jobs.Event) {
	changed, stale := u.list.apply(batch)
	if stale {
		u.list.scheduleReload()
	}
	u.do(func() {
		if changed {
			u.list.refreshVisible()
		}
		u.detail.apply(batch)
		u.tray.apply(batch)
	})
}
