package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/systray"

	"github.com/reductotray/reducto-tray/jobs"
)

// recentJobs is how many jobs the tray menu lists.
const recentJobs = 5

// untilResumed is how far "until resumed" pauses: the notifier takes a time,
// and a century is as good as forever.
const untilResumed = 100 * 365 * 24 * time.Hour

// TrayState is what the tray icon shows.
type TrayState int

// The tray states, by precedence: something needing the user beats work in
// progress, which beats a reminder that notifications are paused.
const (
	TrayIdle TrayState = iota
	TrayRunning
	TrayPaused
	TrayAttention
)

func (s TrayState) String() string {
	return [...]string{"idle", "running", "paused", "attention"}[s]
}

// Tray is the system tray icon and menu. All its methods run on the main
// goroutine.
type Tray struct {
	u   *App
	sys trayHost // nil without a tray (tests, -tags ci)
	// stopSys removes the icon once the app's loop has ended.
	stopSys func()

	menu        *fyne.Menu
	shownSig    string // what the tray last showed; unchanged redraws are skipped
	recent      []jobs.Job
	pausedUntil time.Time
	stopPause   func() // cancels the timer that ends the pause
	notifyErr   error
	unseenFails int
	hidden      bool
	state       TrayState

	// host says a tray host shows the icon (see trayHostWatch); assumed
	// until the watch says otherwise.
	host bool
	// hostKnown says the watch has answered once; a close before that
	// waits for the answer (closePending) instead of guessing.
	hostKnown, closePending bool
	// noHost is the "where did the window go" explanation, once shown.
	noHost *noHostNotice
}

func newTray(u *App) *Tray {
	t := &Tray{u: u, host: true}
	t.menu = fyne.NewMenu("Reducto Tray")
	t.menu.Items = t.items()
	return t
}

// SetupTray installs the tray icon and menu, makes closing the window run
// CloseWindow, and starts watching for a tray host. Call it before the app
// runs: the tray starts with the app's loop. Without a tray (an app that is
// not a desktop.App: the test app, -tags ci) closing the window closes it
// as usual.
func (u *App) SetupTray() {
	if _, ok := u.app.(desktop.App); !ok {
		return
	}
	t := u.tray
	// systray 1.11.1 exports the item's Title when it starts; a title set
	// after that from another goroutine can land between the export and the
	// moment systray keeps its property handle and be lost, leaving the item
	// untitled for the session (seen in CI). Stored before the start, the
	// export carries it.
	// (On macOS the title is drawn beside the icon and set only once it runs.)
	if runtime.GOOS != "darwin" {
		systray.SetTitle(u.app.Metadata().Name)
	}
	sys, start, stop := newSystray(u.do, u.ShowWindow)
	t.sys, t.stopSys = sys, stop
	sys.SetMenu(t.menu)
	sys.SetIcon(t.icon())
	// The app's one OnStarted hook: Fyne keeps a single one, and the tray
	// must start inside the loop (on macOS systray needs the application
	// GLFW creates).
	u.app.Lifecycle().SetOnStarted(start)
	u.win.SetCloseIntercept(u.CloseWindow)
	// The icon is installed even without a host: systray registers it
	// when one appears (it watches for the watcher too).
	u.goBg(func(ctx context.Context) {
		err := watchTrayHost(ctx, func(present bool) { u.do(func() { t.setHost(present) }) })
		if err != nil {
			u.log.Warn("tray: cannot tell whether the desktop shows tray icons", "err", err)
		}
	})
}

// setHost records whether a tray host shows the icon. Main goroutine.
func (t *Tray) setHost(present bool) {
	if present != t.host {
		t.u.log.Info("tray: host changed", "present", present)
	}
	t.host = present
	t.hostKnown = true
	if t.closePending {
		t.closePending = false
		t.u.CloseWindow()
	}
}

// hide hides the window to the tray. Main goroutine.
func (t *Tray) hide() {
	t.hidden = true
	t.u.win.Hide()
}

// TrayMenu is the tray's menu as it stands; tests call its items' actions.
func (u *App) TrayMenu() *fyne.Menu { return u.tray.menu }

// TrayState is the state the tray icon shows.
func (u *App) TrayState() TrayState { return u.tray.state }

func (t *Tray) items() []*fyne.MenuItem {
	u := t.u
	items := []*fyne.MenuItem{
		fyne.NewMenuItem("Show window", u.ShowWindow),
		fyne.NewMenuItem("Submit files…", func() {
			u.ShowWindow()
			u.tabs.SelectIndex(1)
			u.submitForm().PickFiles()
		}),
	}
	if len(u.presetNames) > 0 {
		with := fyne.NewMenuItem("Submit with…", nil)
		with.ChildMenu = fyne.NewMenu("")
		for _, name := range u.presetNames {
			with.ChildMenu.Items = append(with.ChildMenu.Items, fyne.NewMenuItem(name, func() {
				u.ShowWindow()
				u.submitWithPreset(name)
			}))
		}
		items = append(items, with)
	}
	items = append(items, fyne.NewMenuItemSeparator())
	if folders := t.folderItems(); len(folders) > 0 {
		items = append(append(items, folders...), fyne.NewMenuItemSeparator())
	}
	if len(t.recent) == 0 {
		none := fyne.NewMenuItem("No jobs yet", nil)
		none.Disabled = true
		items = append(items, none)
	}
	for _, j := range t.recent {
		id := j.ID
		items = append(items, fyne.NewMenuItem(fmt.Sprintf("%s — %s", filepath.Base(j.File), j.Status), func() {
			u.ShowWindow()
			u.tabs.SelectIndex(0)
			u.detail.Show(id)
		}))
	}
	items = append(items, fyne.NewMenuItemSeparator())
	if t.u.cfg.Notify != nil {
		if t.paused() {
			items = append(items, fyne.NewMenuItem("Resume notifications", t.resume))
		}
		pause := fyne.NewMenuItem("Pause notifications", nil)
		pause.ChildMenu = fyne.NewMenu("",
			fyne.NewMenuItem("30 minutes", func() { t.pause(30 * time.Minute) }),
			fyne.NewMenuItem("2 hours", func() { t.pause(2 * time.Hour) }),
			fyne.NewMenuItem("Until resumed", func() { t.pause(untilResumed) }),
		)
		items = append(items, pause, fyne.NewMenuItemSeparator())
	}
	quit := fyne.NewMenuItem("Quit", func() { u.app.Quit() })
	quit.IsQuit = true
	return append(items, quit)
}

func (t *Tray) paused() bool { return t.u.cfg.Now().Before(t.pausedUntil) }

func (t *Tray) pause(d time.Duration) {
	until := t.u.cfg.Now().Add(d)
	t.u.cfg.Notify.PauseUntil(until)
	t.pausedUntil = until
	if t.stopPause != nil {
		t.stopPause()
	}
	if d < untilResumed {
		t.stopPause = t.u.after(d, func(context.Context) { t.u.do(t.update) })
	}
	t.u.setStatus("Notifications paused")
	t.update()
}

func (t *Tray) resume() {
	t.u.cfg.Notify.Resume()
	t.pausedUntil = time.Time{}
	if t.stopPause != nil {
		t.stopPause()
	}
	t.u.setStatus("Notifications resumed")
	t.update()
}

func (t *Tray) setNotifyError(err error) {
	t.notifyErr = err
	t.update()
}

func (t *Tray) windowShown() {
	t.hidden = false
	t.unseenFails = 0
	t.update()
}

// reloadRecent reads the newest jobs from the history. Main goroutine.
func (t *Tray) reloadRecent() {
	t.u.goBg(func(ctx context.Context) {
		js, err := t.u.be.List(ctx, jobs.Query{Limit: recentJobs})
		if err != nil {
			t.u.log.Warn("tray: recent jobs", "err", err)
			return
		}
		t.u.do(func() {
			t.recent = js
			t.update()
		})
	})
}

// apply keeps the recent jobs and the failure count current.
func (t *Tray) apply(batch []jobs.Event) {
	for _, ev := range batch {
		if ev.Kind == jobs.EventProgress {
			continue
		}
		j := ev.Job
		found := false
		for i := range t.recent {
			if t.recent[i].ID == j.ID {
				if j.Status == jobs.StatusFailed && t.recent[i].Status != jobs.StatusFailed && t.hidden {
					t.unseenFails++
				}
				t.recent[i], found = j, true
			}
		}
		if !found && (len(t.recent) == 0 || j.ID > t.recent[0].ID) {
			t.recent = append([]jobs.Job{j}, t.recent...)
			if len(t.recent) > recentJobs {
				t.recent = t.recent[:recentJobs]
			}
		} else if !found && j.Status == jobs.StatusFailed && t.hidden {
			t.unseenFails++
		}
	}
	t.update()
}

// update recomputes the state and redraws the menu and icon.
func (t *Tray) update() {
	if t.notifyErr == nil && t.u.cfg.Notify != nil {
		t.notifyErr = t.u.cfg.Notify.LastError()
	}
	switch {
	case t.notifyErr != nil || t.unseenFails > 0:
		t.state = TrayAttention
	case t.u.be.Stats().InFlight > 0:
		t.state = TrayRunning
	case t.paused():
		t.state = TrayPaused
	default:
		t.state = TrayIdle
	}
	t.menu.Items = t.items()
	sig := t.state.String()
	for _, it := range t.menu.Items {
		sig += "|" + it.Label
		if it.ChildMenu != nil {
			for _, c := range it.ChildMenu.Items {
				sig += "/" + c.Label
			}
		}
	}
	if t.sys != nil && sig != t.shownSig {
		// Each redraw is a D-Bus round to the panel; a burst of events
		// that changes nothing visible sends none.
		t.shownSig = sig
		t.sys.SetMenu(t.menu)
		t.sys.SetIcon(t.icon())
	}
}

func (t *Tray) icon() fyne.Resource {
	switch t.state {
	case TrayRunning:
		return trayRunning
	case TrayPaused:
		return trayPaused
	case TrayAttention:
		return trayAttention
	}
	return trayIdle
}

// folderItems lists the watched folders with their state; each opens a
// submenu to pause or resume it (apart from the notifications' pause) and
// to open it.
func (t *Tray) folderItems() []*fyne.MenuItem {
	u := t.u
	var items []*fyne.MenuItem
	for _, st := range u.watchedFolders() {
		path, paused := st.Folder.Path, folderPaused(st)
		it := fyne.NewMenuItem(fmt.Sprintf("%s — %s", filepath.Base(path), folderStateWord(st)), nil)
		toggle := fyne.NewMenuItem("Pause watching", func() { u.setFolderPaused(path, true) })
		if paused {
			toggle = fyne.NewMenuItem("Resume watching", func() { u.setFolderPaused(path, false) })
		}
		it.ChildMenu = fyne.NewMenu("", toggle,
			fyne.NewMenuItem("Open folder", func() { u.openPath("Open folder", path) }),
			fyne.NewMenuItem("Folder settings…", func() {
				u.ShowWindow()
				u.ShowFolderSettings()
			}),
		)
		items = append(items, it)
	}
	return items
}
