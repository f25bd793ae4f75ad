package ui

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/jobs/store"
	"github.com/reductotray/reducto-tray/ui/internal/testpages"
	"github.com/reductotray/reducto-tray/ui/internal/uitest"
)

// speed is how much faster than real time the simulated world runs.
const speed = 100

// rig is the UI over a real engine, a real SQLite file and the simulated
// Reducto API, in Fyne's test app (no display).
type rig struct {
	t      *testing.T
	u      *App
	engine *engine.Engine
	store  *store.Store
	sim    *reductotest.Server
	home   string
	svc    *settings.Service
	dir    string
	notify *recordingNotify
	// lazy keeps the tabs New builds on first use unbuilt; otherwise the
	// rig builds them at once, so tests can reach their widgets.
	lazy bool
}

// recordingNotify stands in for ui/notify, which another package owns: it
// records what the tray asks of it.
type recordingNotify struct {
	mu      sync.Mutex
	until   []time.Time
	resumed int
	err     error
}

func (n *recordingNotify) PauseUntil(t time.Time) {
	n.mu.Lock()
	n.until = append(n.until, t)
	n.mu.Unlock()
}
func (n *recordingNotify) Resume()          { n.mu.Lock(); n.resumed++; n.mu.Unlock() }
func (n *recordingNotify) LastError() error { n.mu.Lock(); defer n.mu.Unlock(); return n.err }

func newRig(t *testing.T, simCfg reductotest.Config) *rig {
	t.Helper()
	return newRigWithKey(t, simCfg, "test-key") // a key: no first-run prompt
}

// newRigWithKey sets REDUCTO_API_KEY to key ("" = none) before the UI starts.
func newRigWithKey(t *testing.T, simCfg reductotest.Config, key string) *rig {
	t.Helper()
	return newRigConfig(t, simCfg, key, nil)
}

// newRigWith is newRig with the UI's Config edited before the UI starts
// (fakes of the presets and the watched folders).
func newRigWith(t *testing.T, simCfg reductotest.Config, edit func(r *rig, cfg *Config)) *rig {
	t.Helper()
	return newRigConfig(t, simCfg, "test-key", edit)
}

// newRigConfig builds the rig; edit, if set, may change the Config and
// the saved settings before the UI starts.
func newRigConfig(t *testing.T, simCfg reductotest.Config, key string, edit func(r *rig, cfg *Config)) *rig {
	t.Helper()
	t.Setenv("REDUCTO_API_KEY", key)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	clk := clock.NewScaled(speed)
	simCfg.Clock = clk
	sim := reductotest.NewServer(simCfg)
	t.Cleanup(sim.Close)
	r := &rig{t: t, sim: sim, home: t.TempDir(), dir: t.TempDir(), notify: &recordingNotify{}}
	store, err := store.Open(datadir.DatabasePath(r.home))
	if err != nil {
		t.Fatal(err)
	}
	r.store = store
	client := reducto.New(sim.URL, "", reducto.WithClock(clk), reducto.WithBackoff(time.Millisecond, 20*time.Millisecond))
	r.engine = engine.New(engine.Config{Client: client, Store: store, Clock: clk,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err := r.engine.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	svc, err := settings.NewService(settings.ServiceConfig{Home: r.home, Secrets: settings.NewSecrets(r.home, false)})
	if err != nil {
		t.Fatal(err)
	}
	r.svc = svc
	cfg := Config{
		Backend: r.engine, Settings: svc, Notify: r.notify,
		Executable: "/usr/bin/reducto-tray",
		Pages:      testpages.Renderer(),
	}
	if edit != nil {
		edit(r, &cfg)
	}
	r.u = New(a, w, cfg)
	r.onMain(func() { w.Resize(fyne.NewSize(1000, 700)) })
	if !r.lazy {
		r.onMain(func() { r.u.submitForm(); r.u.settingsView(); r.u.webhooksView(); r.u.accountView() })
	}
	// Cleanups run last-in first-out: the UI stops before the engine and
	// the store close under it.
	t.Cleanup(func() {
		r.u.Close()
		r.engine.Close()
		r.store.Close()
	})
	return r
}

// onMain runs f as if on Fyne's main goroutine: the test driver runs the
// UI's background updates inline on their goroutines under uiMu, so the
// test takes it too.
func (r *rig) onMain(f func()) {
	r.u.uiMu.Lock()
	defer r.u.uiMu.Unlock()
	f()
}

// files writes documents with the given names and returns their paths.
func (r *rig) files(names ...string) []string {
	r.t.Helper()
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = filepath.Join(r.dir, n)
		if err := os.WriteFile(paths[i], docContent(n), 0o600); err != nil {
			r.t.Fatal(err)
		}
	}
	return paths
}

func uris(paths []string) []fyne.URI {
	out := make([]fyne.URI, len(paths))
	for i, p := range paths {
		out[i] = storage.NewFileURI(p)
	}
	return out
}

func (r *rig) count(q jobs.Query) int {
	r.t.Helper()
	n, err := r.engine.Count(context.Background(), q)
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// eventually polls cond (under the UI lock) until it holds or 45 s pass.
func (r *rig) eventually(what string, cond func() bool) {
	r.t.Helper()
	uitest.Eventually(r.t, r.onMain, what, cond)
}

// recordSaves subscribes to r's settings service.
func (r *rig) recordSaves() *uitest.Saves { return uitest.RecordSaves(r.t, r.svc) }

// docContent is content of the type n's extension names, so intake's
// content check takes it.
func docContent(n string) []byte {
	switch strings.ToLower(filepath.Ext(n)) {
	case ".png":
		return []byte("\x89PNG\r\n\x1a\n" + n)
	case ".docx", ".xlsx", ".pptx":
		return []byte("PK\x03\x04" + n)
	case ".txt", ".csv":
		return []byte(n)
	}
	return []byte(fmt.Sprintf("%%PDF-1.4 %s", n))
}

// parseOf, extractOf and classifyOf are f's sections of those kinds.
func parseOf(f *SubmitForm) *parseForm       { return f.kinds[jobs.KindParse].(*parseForm) }
func extractOf(f *SubmitForm) *extractForm   { return f.kinds[jobs.KindExtract].(*extractForm) }
func classifyOf(f *SubmitForm) *classifyArea { return f.kinds[jobs.KindClassify].(*classifyArea) }

// sectionOptions reads in and a new section of its kind, set by set, as
// the submit form does.
func sectionOptions[T kindForm](in formInput, set func(s T)) (jobs.Options, error) {
	s := kindForms[in.Kind](func() {}).(T)
	s.fill(jobs.Options{})
	set(s)
	return in.withKind(s)
}
