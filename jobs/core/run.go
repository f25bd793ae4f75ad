package core

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/intake"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/receiver"
	"github.com/reductotray/reducto-tray/receiver/control"
)

// Desktop runs a window until the user quits; it calls ready once the UI
// can take files handed over by another launch. The headless mode needs
// none.
type Desktop func(a *App, files []string, ready func()) int

// Options are what main hands Main besides the command line.
type Options struct {
	Stdout, Stderr io.Writer
	// Desktop runs the UI; nil runs headless whatever the flags say.
	Desktop Desktop
	// NewNotifier builds the notifier with the app's logger; nil: none.
	NewNotifier func(log *slog.Logger) Notifier
}

// Main runs reducto-tray with args (without the program name) and returns
// the exit code: 0 done, 1 failed, 2 bad usage.
func Main(args []string, o Options) int {
	if len(args) > 0 && args[0] == "jobs" {
		return RunJobs(args[1:], o.Stdout, o.Stderr)
	}
	if len(args) > 0 && args[0] == "deliveries" {
		return RunDeliveries(args[1:], o.Stdout, o.Stderr)
	}
	if len(args) > 0 && args[0] == "search" {
		return RunSearch(args[1:], o.Stdout, o.Stderr)
	}
	f, err := ParseFlags(args, o.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil && f.Version {
		fmt.Fprintf(o.Stdout, "reducto-tray %s\n", Version)
		return 0
	}
	if err != nil {
		fmt.Fprintln(o.Stderr, err)
		return 2
	}
	// Each file that cannot be submitted is refused on its own; the rest
	// go ahead, and the exit status says that some were refused.
	refused := refusedArgs(f.Files)
	for _, line := range refused {
		fmt.Fprintln(o.Stderr, line)
	}
	for i, p := range f.Files {
		if abs, err := filepath.Abs(p); err == nil {
			f.Files[i] = abs // a running instance has its own working folder
		}
	}
	code := run(f, o, len(refused))
	if code == 0 && len(refused) > 0 {
		return 2 // a script must notice that some files were not taken
	}
	return code
}

// run is Main after the flags were read and refused file arguments were
// printed. When every file argument was refused, a running instance is
// only told about them and no new instance starts for nothing.
func run(f Flags, o Options, refused int) int {
	home, err := datadir.Home()
	if err != nil {
		fmt.Fprintln(o.Stderr, "reducto-tray:", err)
		return 1
	}
	// Before anything else: an unknown or invalid preset is bad usage.
	if err := CheckPreset(home, f.Preset); err != nil {
		fmt.Fprintln(o.Stderr, err)
		return 2
	}
	if err := CheckFrom(home, f.Preset, f.From); err != nil {
		fmt.Fprintln(o.Stderr, err)
		return 2
	}
	svc, loadErr := settings.NewService(settings.ServiceConfig{
		Home: home, Secrets: settings.NewSecrets(home, true), CheckSecret: receiver.ValidateSecret,
	})
	if err := svc.CheckEnv(); err != nil {
		fmt.Fprintln(o.Stderr, "reducto-tray:", err)
		return 2
	}

	if refused > 0 && refused == len(f.Files) && len(f.From) == 0 {
		// Nothing to submit: a running window still says which files were
		// refused and why (it checks them again); none is started for it.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = control.Send(ctx, home, control.Request{Open: f.Files})
		return 2
	}
	inst := &instance{ready: make(chan struct{})}
	srv, handed, err := ClaimWith(context.Background(), home,
		control.Request{Open: f.Files, Show: len(f.Files) == 0 && len(f.From) == 0, Preset: f.Preset, From: f.From}, inst.handle)
	if err != nil {
		fmt.Fprintln(o.Stderr, "reducto-tray:", err)
		return 1
	}
	if handed != nil {
		if len(f.From) > 0 {
			fmt.Fprintf(o.Stdout, "Handed %d job(s) to the running Reducto Tray. %s\n", handed.Accepted, handed.Message)
		} else if len(f.Files) == 0 {
			fmt.Fprintln(o.Stdout, "Reducto Tray is already running; its window was brought forward.")
		} else {
			// The refused files travel too, for the window to name them.
			fmt.Fprintf(o.Stdout, "Handed %d file(s) to the running Reducto Tray. %s\n", min(handed.Accepted, len(f.Files)-refused), handed.Message)
		}
		return 0
	}
	// Released last, after everything stopped: no second engine can start
	// on this folder while this one still runs.
	defer srv.Close()
	defer inst.markReady() // a failed start turns hand-offs away, not waiting

	logFile, logErr := OpenLog(home)
	if logErr != nil {
		logFile = nil
	}
	logger := NewLogger(o.Stderr, logFile)
	if logFile != nil {
		defer logFile.Close()
	} else {
		logger.Warn("no log file", "err", logErr)
	}
	if loadErr != nil {
		logger.Warn("settings", "err", loadErr)
	}
	cfg := Config{Home: home, Flags: f, Settings: svc, Logger: logger}
	if o.NewNotifier != nil {
		cfg.Notifier = o.NewNotifier(logger)
	}
	a, err := Start(cfg)
	if err != nil {
		logger.Error("start", "err", err)
		fmt.Fprintln(o.Stderr, "reducto-tray:", err)
		return 1
	}
	defer a.Close()
	inst.setApp(a)
	if len(f.From) > 0 && len(a.submitFromCLI(f.Preset, f.From)) == 0 && len(f.Files) == 0 && f.Headless {
		return 1 // nothing to do: every --from was refused (logged)
	}
	if f.Headless || o.Desktop == nil {
		return a.runHeadless(f.Files, inst.markReady)
	}
	files := f.Files
	if _, ok := a.RunPreset(); ok && len(files) > 0 {
		// The UI submits files with its form's options: with --preset
		// the core submits them, and the window shows them as they go.
		a.submitCLI(files)
		files = nil
	}
	return o.Desktop(a, files, inst.markReady)
}

// refusedArgs returns, for each file argument that cannot be submitted
// (missing, empty, unreadable, not a type Reducto reads), one line naming
// it and why. Folders are walked later, as a drop is. The others are
// still submitted: one bad file does not cancel a launch.
func refusedArgs(args []string) []string {
	var lines []string
	for _, p := range args {
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			continue
		}
		if _, _, err := intake.CheckFile(p); err != nil {
			lines = append(lines, "reducto-tray: not submitted: "+err.Error())
		}
	}
	return lines
}

// instance answers the control channel: requests wait until the app is
// ready and are turned away once it quits.
type instance struct {
	ready chan struct{}
	once  sync.Once
	mu    sync.Mutex
	app   *App
}

func (i *instance) markReady() { i.once.Do(func() { close(i.ready) }) }

func (i *instance) setApp(a *App) {
	i.mu.Lock()
	i.app = a
	i.mu.Unlock()
}

func (i *instance) handle(ctx context.Context, req control.Request) (control.Response, error) {
	select {
	case <-i.ready:
	case <-ctx.Done():
		return control.Response{}, ctx.Err()
	}
	i.mu.Lock()
	a := i.app
	i.mu.Unlock()
	if a == nil {
		return control.Response{}, control.ErrQuitting
	}
	if len(req.From) > 0 {
		return a.handleFrom(ctx, req) // chain.go
	}
	return a.HandleControl(ctx, req)
}

// submitCLI submits the command line's files with cliDefaults and logs
// what was queued and skipped.
func (a *App) submitCLI(files []string) []jobs.Job {
	queued, skipped, err := a.Submit(a.ctx, files, a.cliDefaults())
	if note := intake.SkippedNote(skipped); note != "" {
		a.log.Warn(note)
	}
	if err != nil {
		a.log.Error("submit", "err", err)
	}
	for _, j := range queued {
		a.log.Info("queued", "id", j.ID, "file", j.File, "kind", j.Kind, "webhook", j.Webhook, "preset", j.Preset)
	}
	return queued
}

// runHeadless submits the command line's files and serves until a signal.
func (a *App) runHeadless(files []string, ready func()) int {
	ready()
	if len(files) > 0 && len(a.submitCLI(files)) == 0 {
		return 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	a.log.Info("shutting down")
	return 0
}
