package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// rig is an engine wired to a simulated Reducto API and a real SQLite file.
type rig struct {
	t      *testing.T
	sim    *reductotest.Server
	store  *store.Store
	engine *engine.Engine
	client *reducto.Client
	clk    clock.Clock
	dbPath string
	dir    string
	// syncTimeout is the engines' Config.SyncTimeout (0: the default).
	syncTimeout time.Duration
}

// speed is how much faster than real time tests run: a 3 s job takes 30 ms.
const speed = 100

func newRig(t *testing.T, simCfg reductotest.Config, pol engine.PollPolicy) *rig {
	t.Helper()
	return newRigFront(t, simCfg, pol, nil)
}

// newRigFront is newRig with the client talking to front(sim) instead of
// the simulator itself, e.g. a front that answers 503 during an outage.
// front gets the rig's clock.
func newRigFront(t *testing.T, simCfg reductotest.Config, pol engine.PollPolicy, front func(clock.Clock, http.Handler) http.Handler) *rig {
	t.Helper()
	return newRigAt(t, speed, simCfg, pol, front)
}

// newRigAt is newRigFront on a clock running factor times real time, for
// tests whose deadlines in the engine's time must leave room for a busy
// machine.
func newRigAt(t *testing.T, factor float64, simCfg reductotest.Config, pol engine.PollPolicy, front func(clock.Clock, http.Handler) http.Handler) *rig {
	t.Helper()
	clk := clock.NewScaled(factor)
	if simCfg.Clock == nil {
		simCfg.Clock = clk
	}
	sim := reductotest.NewServer(simCfg)
	t.Cleanup(sim.Close)
	r := &rig{t: t, sim: sim, clk: clk, dir: t.TempDir()}
	r.dbPath = filepath.Join(r.dir, "history.db")
	base := sim.URL
	if front != nil {
		srv := httptest.NewServer(front(clk, sim.Handler()))
		t.Cleanup(srv.Close)
		base = srv.URL
	}
	r.client = reducto.New(base, simCfg.APIKey, reducto.WithClock(clk), reducto.WithBackoff(time.Millisecond, 20*time.Millisecond))
	r.open(pol)
	return r
}

// open (re)opens the store and starts an engine on it, as an app start does.
func (r *rig) open(pol engine.PollPolicy) {
	r.t.Helper()
	r.store, r.engine = r.startEngine(pol)
	r.t.Cleanup(r.close)
}

// startEngine opens another store on the rig's database and starts an
// engine on it (closed at the end of the test).
func (r *rig) startEngine(pol engine.PollPolicy) (*store.Store, *engine.Engine) {
	r.t.Helper()
	st, err := store.Open(r.dbPath)
	if err != nil {
		r.t.Fatal(err)
	}
	e := engine.New(engine.Config{
		Client: r.client, Store: st, Clock: r.clk, Poll: pol,
		DirectWebhookURL: "http://127.0.0.1:1/webhooks/direct/token", SyncTimeout: r.syncTimeout,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err := e.Start(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	return st, e
}

func (r *rig) close() {
	if r.engine != nil {
		r.engine.Close()
		r.store.Close()
		r.engine, r.store = nil, nil
	}
}

// files writes n small documents and returns their paths.
func (r *rig) files(n int) []string {
	r.t.Helper()
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(r.dir, fmt.Sprintf("doc-%03d.pdf", i))
		if err := os.WriteFile(paths[i], []byte(fmt.Sprintf("%%PDF-1.4 document %d", i)), 0o600); err != nil {
			r.t.Fatal(err)
		}
	}
	return paths
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// allFinal reports whether every job in the store is final.
func (r *rig) allFinal() bool {
	js, err := r.store.List(context.Background(), jobs.Query{Limit: 10000})
	if err != nil {
		r.t.Fatal(err)
	}
	for _, j := range js {
		if !j.Status.Final() {
			return false
		}
	}
	return len(js) > 0
}

func (r *rig) jobs() []jobs.Job {
	js, err := r.store.List(context.Background(), jobs.Query{Limit: 10000})
	if err != nil {
		r.t.Fatal(err)
	}
	return js
}

// simJobsPerRef counts simulator jobs by the client reference they carry.
func (r *rig) simJobsPerRef() map[string]int {
	out := map[string]int{}
	for _, j := range r.sim.Jobs() {
		out[refOf(j.Metadata)]++
	}
	return out
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }

// waitSubmitted waits until job id has Reducto's job id and returns it.
func (r *rig) waitSubmitted(id int64) string {
	r.t.Helper()
	var jobID string
	waitFor(r.t, 10*time.Second, "submission", func() bool {
		j, _ := r.store.Get(context.Background(), id)
		jobID = j.JobID
		return jobID != ""
	})
	return jobID
}

// completions counts the completed transitions in job id's timeline.
func (r *rig) completions(id int64) int {
	r.t.Helper()
	timeline, err := r.store.Timeline(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	n := 0
	for _, tr := range timeline {
		if tr.To == jobs.StatusCompleted {
			n++
		}
	}
	return n
}

// assertOncePerJob fails unless every job was announced complete once.
func assertOncePerJob(t *testing.T, completions map[int64]int) {
	t.Helper()
	for id, n := range completions {
		if n != 1 {
			t.Fatalf("job %d announced complete %d times", id, n)
		}
	}
}
