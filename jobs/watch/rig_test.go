package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// rig is a watcher on a real folder, a real SQLite file, a real engine and
// the simulated Reducto API over loopback; the API's clock runs 100 times
// faster, the file system's does not.
type rig struct {
	t      *testing.T
	sim    *reductotest.Server
	client *reducto.Client
	clk    clock.Clock
	dbPath string
	dir    string // the watched folder
	cfg    Config

	store  *store.Store
	engine *engine.Engine
	mgr    *Manager

	mu      sync.Mutex
	written map[string]int64 // duplicate doc -> job whose outputs were written for it
}

func newRig(t *testing.T, simCfg reductotest.Config) *rig {
	t.Helper()
	clk := clock.NewScaled(100)
	simCfg.Clock = clk
	sim := reductotest.NewServer(simCfg)
	t.Cleanup(sim.Close)
	r := &rig{
		t: t, sim: sim, clk: clk, dbPath: filepath.Join(t.TempDir(), "history.db"), dir: t.TempDir(),
		client:  reducto.New(sim.URL, "", reducto.WithClock(clk), reducto.WithBackoff(time.Millisecond, 20*time.Millisecond)),
		written: map[string]int64{},
	}
	r.cfg = Config{
		Settle: 300 * time.Millisecond, Rescan: time.Hour, MaxAttempts: 3,
		Retry:  backoff.Policy{Min: 50 * time.Millisecond, Max: 200 * time.Millisecond, Jitter: -1},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		WriteOutputs: func(_ context.Context, job int64, doc string) ([]string, error) {
			r.mu.Lock()
			r.written[doc] = job
			r.mu.Unlock()
			return []string{doc + ".parse.md"}, nil
		},
	}
	t.Cleanup(r.stop)
	return r
}

// start opens the store, starts an engine and a manager watching folder f
// (as an app start does).
func (r *rig) start(f jobs.WatchFolder) {
	r.t.Helper()
	st, err := store.Open(r.dbPath)
	if err != nil {
		r.t.Fatal(err)
	}
	e := engine.New(engine.Config{Client: r.client, Store: st, Clock: r.clk, Logger: r.cfg.Logger})
	if err := e.Start(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	cfg := r.cfg
	cfg.Store, cfg.Engine = st, e
	m := New(cfg)
	if err := m.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.store, r.engine, r.mgr = st, e, m
	m.Set([]jobs.WatchFolder{f}, nil)
}

// stop closes the manager, the engine and the store, as quitting does.
func (r *rig) stop() {
	if r.mgr != nil {
		r.mgr.Close()
		r.engine.Close()
		r.store.Close()
		r.mgr, r.engine, r.store = nil, nil, nil
	}
}

func (r *rig) folder() jobs.WatchFolder { return jobs.WatchFolder{Path: r.dir, Recursive: true} }

func (r *rig) jobs() []jobs.Job {
	r.t.Helper()
	js, err := r.store.List(context.Background(), jobs.Query{Limit: 100000})
	if err != nil {
		r.t.Fatal(err)
	}
	return js
}

// simJobs counts the jobs the API was asked to run (paid for).
func (r *rig) simJobs() int { return len(r.sim.Jobs()) }

// waitJobs waits until the history holds n jobs, all final.
func (r *rig) waitJobs(n int) []jobs.Job {
	r.t.Helper()
	var js []jobs.Job
	waitFor(r.t, fmt.Sprintf("%d final jobs", n), func() bool {
		js = r.jobs()
		if len(js) != n {
			return false
		}
		for _, j := range js {
			if !j.Status.Final() {
				return false
			}
		}
		return true
	})
	return js
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute) // generous: only a failing test waits it out; 1,000 uploads under -race on a shared 2-core machine took over a minute
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pdf is the content of a small valid PDF, distinct per tag.
func pdf(tag string) []byte { return []byte("%PDF-1.4\n% " + tag + "\n%%EOF\n") }

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// refsOf counts the API's jobs by the client reference in their metadata.
func (r *rig) refsOf() map[string]int {
	out := map[string]int{}
	for _, j := range r.sim.Jobs() {
		var m map[string]string
		_ = json.Unmarshal(j.Metadata, &m)
		out[m[engine.RefKey]]++
	}
	return out
}

// ledger returns every ledger row of the rig's folder.
func (r *rig) ledger() []store.LedgerEntry {
	r.t.Helper()
	var out []store.LedgerEntry
	if err := r.store.LedgerLoad(context.Background(), r.dir, "", func(e store.LedgerEntry) { out = append(out, e) }); err != nil {
		r.t.Fatal(err)
	}
	return out
}

// noMoreJobs asserts that, after a full settling time and a few more
// events' worth of waiting, the history still holds n jobs. It waits on
// the folder's own state (nothing waiting, nothing running) rather than a
// fixed sleep.
func (r *rig) settledAt(n int) {
	r.t.Helper()
	waitFor(r.t, "the folder to be idle", func() bool {
		for _, st := range r.mgr.Statuses() {
			if st.Waiting != 0 || st.Running != 0 || st.State != jobs.FolderWatching {
				return false
			}
		}
		return true
	})
	if got := len(r.jobs()); got != n {
		r.t.Fatalf("%d jobs; want %d", got, n)
	}
}
