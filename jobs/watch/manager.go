// Package watch submits the documents that appear in watched folders (hot
// folders): fsnotify events, a scan at start and a cheap periodic rescan as
// the safety net, a settling time before a file counts as written, and the
// SQLite ledger (path, size, mtime, SHA-256 -> job) that makes every file
// content a job exactly once per folder and preset, across restarts and
// crashes.
package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// Engine is what the watcher needs of jobs/engine.
type Engine interface {
	SubmitRefs(ctx context.Context, docs []engine.RefDoc, opts jobs.Options) ([]jobs.Job, []error, error)
	Subscribe() *jobs.Subscription
	Job(ctx context.Context, id int64) (jobs.Job, error)
	Cancel(ctx context.Context, id int64) error
}

// Defaults of Config.
const (
	DefaultSettle      = 2 * time.Second
	DefaultRescan      = 60 * time.Second
	DefaultMaxAttempts = 3
	// DefaultLedgerRetention keeps the ledger rows of files gone from the
	// folder (moved into processed/, deleted) this long: the same content
	// saved again within it is recognised and not paid for twice.
	DefaultLedgerRetention = 90 * 24 * time.Hour
)

// DefaultRetry spaces the new jobs of a file whose job failed: a minute,
// then five. The engine already waits out transient API trouble for 15
// minutes, so what reaches the watcher is a real failure worth a pause.
var DefaultRetry = backoff.Policy{Min: time.Minute, Max: 10 * time.Minute, Factor: 5}

// Config wires a Manager.
type Config struct {
	Store  *store.Store
	Engine Engine
	// Options resolves a folder's preset into the options its documents
	// are submitted with; nil = parse with defaults. The manager sets
	// Source (watch) and Preset, and Outputs to beside when unset.
	Options func(f jobs.WatchFolder) (jobs.Options, error)
	// WriteOutputs writes the results of job beside doc (the results of a
	// first job for the same content under a second name); nil = the
	// duplicate is recorded but nothing is written.
	WriteOutputs func(ctx context.Context, job int64, doc string) ([]string, error)
	Settle       time.Duration  // size and mtime stable this long (default 2 s)
	Rescan       time.Duration  // safety-net rescan (default 60 s)
	MaxAttempts  int            // jobs per content before giving up (default 3)
	Retry        backoff.Policy // waits between them (default DefaultRetry)
	// LedgerRetention: ledger rows of files gone from the folder and not
	// changed for this long are deleted when the folder starts (default
	// DefaultLedgerRetention).
	LedgerRetention time.Duration
	Logger          *slog.Logger
}

// Manager watches folders. Its methods are safe for concurrent use.
type Manager struct {
	cfg     Config
	log     *slog.Logger
	changes chan struct{}

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	folders map[string]*folder // by key(path, preset)
	closed  bool

	// hookBeforeMark, when set (tests), runs after the jobs of a batch
	// exist and before their ledger rows are marked submitted; an error
	// stops the batch there, as a crash would.
	hookBeforeMark func() error
}

// New returns a manager; Start it, then Set its folders.
func New(cfg Config) *Manager {
	if cfg.Settle <= 0 {
		cfg.Settle = DefaultSettle
	}
	if cfg.Rescan <= 0 {
		cfg.Rescan = DefaultRescan
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.LedgerRetention <= 0 {
		cfg.LedgerRetention = DefaultLedgerRetention
	}
	if cfg.Retry == (backoff.Policy{}) {
		cfg.Retry = DefaultRetry
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Options == nil {
		cfg.Options = func(jobs.WatchFolder) (jobs.Options, error) { return jobs.Options{Kind: jobs.KindParse}, nil }
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Manager{
		cfg: cfg, log: cfg.Logger, changes: make(chan struct{}, 1),
		ctx: ctx, cancel: cancel, folders: map[string]*folder{},
	}
}

// Start begins following the engine's events (outcomes of watched jobs).
func (m *Manager) Start() error {
	if m.cfg.Store == nil || m.cfg.Engine == nil {
		return errors.New("watch: a store and an engine are needed")
	}
	sub := m.cfg.Engine.Subscribe()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer sub.Close()
		m.follow(sub)
	}()
	return nil
}

// Close stops every folder and waits for them. Work in progress resumes
// from the ledger on the next start.
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true
	fs := m.folders
	m.folders = map[string]*folder{}
	m.mu.Unlock()
	for _, f := range fs {
		f.stop()
	}
	m.cancel()
	m.wg.Wait()
}

// Changes ticks whenever a folder's status changed; ticks are coalesced.
func (m *Manager) Changes() <-chan struct{} { return m.changes }

func (m *Manager) changed() {
	select {
	case m.changes <- struct{}{}:
	default:
	}
}

func key(path, preset string) string { return path + "\x00" + preset }

// Set makes the watched folders folders (saved) plus session (this run's
// --watch): new ones start (with a scan), removed ones stop, changed ones
// restart; a change of Paused alone pauses or resumes. The same folder
// and preset listed twice is watched once (saved wins).
func (m *Manager) Set(folders []jobs.WatchFolder, session []jobs.WatchFolder) {
	want := map[string]*folder{}
	add := func(f jobs.WatchFolder, sess bool) {
		abs, err := filepath.Abs(f.Path)
		if err != nil {
			m.log.Warn("watched folder: bad path", "path", f.Path, "err", err)
			return
		}
		f.Path = filepath.Clean(abs)
		k := key(f.Path, f.Preset)
		if _, ok := want[k]; ok {
			return
		}
		want[k] = newFolder(m, f, sess)
	}
	for _, f := range folders {
		add(f, false)
	}
	for _, f := range session {
		add(f, true)
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	var stop, start []*folder
	next := map[string]*folder{}
	for k, nf := range want {
		old, ok := m.folders[k]
		switch {
		case ok && sameButPause(old.cfg, nf.cfg) && old.session == nf.session:
			next[k] = old
			old.setPaused(nf.cfg.Paused)
		case ok:
			stop = append(stop, old)
			fallthrough
		default:
			next[k] = nf
			start = append(start, nf)
		}
	}
	for k, old := range m.folders {
		if _, ok := want[k]; !ok {
			stop = append(stop, old)
		}
	}
	m.folders = next
	m.mu.Unlock()
	for _, f := range stop {
		f.stop()
	}
	for _, f := range start {
		f.start()
	}
	m.changed()
}

func sameButPause(a, b jobs.WatchFolder) bool {
	a.Paused, b.Paused = false, false
	return a == b
}

// SetPaused pauses or resumes submissions from the folder at path (every
// preset it is watched with). Events are still followed while paused, so
// nothing is missed; files wait.
func (m *Manager) SetPaused(path string, paused bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return
	}
	abs = filepath.Clean(abs)
	m.mu.Lock()
	var fs []*folder
	for _, f := range m.folders {
		if f.cfg.Path == abs {
			fs = append(fs, f)
		}
	}
	m.mu.Unlock()
	for _, f := range fs {
		f.setPaused(paused)
	}
	m.changed()
}

// Statuses returns every watched folder's status, saved folders first,
// each group by path.
func (m *Manager) Statuses() []jobs.FolderStatus {
	m.mu.Lock()
	fs := make([]*folder, 0, len(m.folders))
	for _, f := range m.folders {
		fs = append(fs, f)
	}
	m.mu.Unlock()
	out := make([]jobs.FolderStatus, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.status())
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Session != out[j].Session {
			return !out[i].Session
		}
		if out[i].Folder.Path != out[j].Folder.Path {
			return out[i].Folder.Path < out[j].Folder.Path
		}
		return out[i].Folder.Preset < out[j].Folder.Preset
	})
	return out
}

// folderOf returns the running folder for a ledger row's folder and preset.
func (m *Manager) folderOf(path, preset string) *folder {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.folders[key(path, preset)]
}

// follow hands the outcomes of watched jobs to their folders.
func (m *Manager) follow(sub *jobs.Subscription) {
	for {
		select {
		case <-m.ctx.Done():
			return
		case ev, ok := <-sub.C():
			if !ok {
				return
			}
			if ev.Kind != jobs.EventChanged || ev.Job.Source != jobs.SourceWatch || !ev.Job.Status.Final() {
				continue
			}
			m.outcome(ev.Job)
		}
	}
}

// outcome applies a final watched job to its ledger rows.
func (m *Manager) outcome(job jobs.Job) {
	rows, err := m.cfg.Store.LedgerByJob(m.ctx, job.ID)
	if err != nil {
		if m.ctx.Err() == nil {
			m.log.Error("watched job ended: read its ledger rows", "job", job.ID, "err", err)
		}
		return
	}
	for _, row := range rows {
		if f := m.folderOf(row.Folder, row.Preset); f != nil {
			f.outcome(job, row)
		}
	}
}

// options resolves the options of folder f's documents.
func (m *Manager) options(f jobs.WatchFolder) (jobs.Options, error) {
	o, err := m.cfg.Options(f)
	if err != nil {
		return o, fmt.Errorf("preset %q: %w", f.Preset, err)
	}
	o.Source, o.Preset = jobs.SourceWatch, f.Preset
	if o.Outputs == "" {
		o.Outputs = jobs.OutputsBeside
	}
	return o, nil
}
