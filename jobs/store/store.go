// Package store is the SQLite history of Reducto Tray: jobs, their
// transitions and results, and the webhook delivery ids. Only the engine and
// the application core open it; the UI reaches it through the engine.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/reductotray/reducto-tray/jobs/datadir"
)

// errReadOnly is returned by writing methods of a store opened with
// OpenReadOnly.
var errReadOnly = errors.New("store is open read-only")

// busyTimeoutMS bounds how long a connection waits for a lock held by another
// connection (a checkpoint, or a second process) before giving up with
// SQLITE_BUSY. Generous, because a failed write loses a status change.
const busyTimeoutMS = 10000

// Store is the SQLite history. It holds two pools on one file: a single write
// connection, so every write transaction is serialized in Go rather than in
// SQLite's lock (no SQLITE_BUSY between our own writers), and a read-only
// pool, which in WAL mode never blocks the writer nor waits for it.
type Store struct {
	path string
	w    *sql.DB // nil when opened read-only
	r    *sql.DB

	// Prepared on the write connection once: these run thousands of times a
	// second under load.
	insDelivery *sql.Stmt
	insJob      *sql.Stmt
	insTrans    *sql.Stmt
	// The group commit's delivery log rows and forwards, one statement
	// per chunk of rows (multirow.go).
	insLogs     *multiInsert
	insForwards *multiInsert
}

// Patch is what a transition changes besides the status.
type Patch struct {
	JobID      *string
	Error      *string
	Pages      *int
	StudioLink *string
	Credits    *float64
	Category   *string // a classify job's category, from its result
	Result     []byte  // stored compressed, outside the listing rows
	Document   []byte  // an edit's filled document (store_documents.go)
	Detail     string  // shown in the timeline
}

// Open opens (creating and migrating) the database at path. Several
// processes, or several *Store in one process, may open the same fresh path
// at the same instant: one migrates the schema, the others wait for it.
func Open(path string, opts ...Option) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	// The history names the user's files: keep it private. SQLite gives new
	// -wal and -shm files the permissions of the database file, so the
	// database is made 0600 before SQLite opens it; files left by an older
	// build or a wider umask are narrowed too.
	if f, err := os.OpenFile(abs, os.O_RDONLY|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	} else {
		f.Close()
	}
	makePrivate(abs)

	w, err := sql.Open("sqlite", dsn(abs, false, opts...))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, openError(abs, err)
	}
	if err := setWAL(context.Background(), w); err != nil {
		w.Close()
		return nil, openError(abs, err)
	}
	if err := migrate(context.Background(), w, migrations); err != nil {
		w.Close()
		return nil, openError(abs, err)
	}
	// The WAL and its index exist now (an older build may have left them
	// wider than the database).
	makePrivate(abs)
	r, err := openReadPool(abs)
	if err != nil {
		w.Close()
		return nil, err
	}
	s := &Store{path: abs, w: w, r: r}
	if err := s.prepare(); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	return s, nil
}

// Option changes how Open sets up the store.
type Option func(*options)

type options struct {
	sync Sync
}

// newOptions applies opts over the defaults.
func newOptions(opts []Option) options {
	o := options{sync: DefaultSync}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Sync is how long a commit of the writer waits for the disk (SQLite's
// PRAGMA synchronous in WAL mode).
type Sync int

const (
	// SyncNormal syncs the WAL at checkpoints only: a commit survives a
	// crash of the app, but the last ones may be lost if the machine loses
	// power.
	SyncNormal Sync = iota + 1
	// SyncFull syncs the WAL at every commit: a commit (a webhook delivery
	// id the receiver has answered 204 for) survives power loss too.
	SyncFull
)

// DefaultSync is what Open uses without WithSync. Chosen by measurement
// (the receiver benchmark, REDUCTO_BENCH_SYNC=full|normal, on 2 cores):
// FULL kept about 7,000-8,000 verified, persisted webhooks/s but its p99
// was 10.4-13.6 ms, over the 10 ms target, against 5.5-8.1 ms for NORMAL.
// With NORMAL a power cut can lose the last commits before a checkpoint;
// the engine's background reconciliation still finds those jobs' outcomes.
const DefaultSync = SyncNormal

// WithSync sets how hard the writer's commits wait for the disk.
func WithSync(s Sync) Option {
	return func(o *options) { o.sync = s }
}

// pragma is the value of PRAGMA synchronous for s.
func (s Sync) pragma() string {
	if s == SyncFull {
		return "FULL"
	}
	return "NORMAL"
}

// makePrivate narrows the database, its WAL and its shared-memory index to
// 0600 where they exist. A failure (a file system without Unix modes) is
// logged, not fatal: the history still works. On Windows, modes are not
// how files are protected (the profile's ACLs are), and a chmod of a file
// SQLite holds open fails with a sharing violation: nothing to do there.
func makePrivate(abs string) {
	if runtime.GOOS == "windows" {
		return
	}
	for _, p := range []string{abs, abs + "-wal", abs + "-shm"} {
		if err := datadir.MakePrivate(p); err != nil {
			slog.Warn("could not make the history private", "err", err)
		}
	}
}

// setWAL switches the database to WAL, where readers never block the
// writer. The switch needs an exclusive lock, and SQLite answers
// SQLITE_BUSY at once, without waiting out busy_timeout, while another
// opener of a fresh file holds any lock on it: so it is retried here, with
// a short growing pause, up to the busy timeout. (On a file already in WAL
// mode the pragma is a no-op that answers "wal" at once.)
func setWAL(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeoutMS * time.Millisecond)
	pause := time.Millisecond
	for {
		var mode string
		err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
		if err == nil && strings.EqualFold(mode, "wal") {
			return nil
		}
		if err == nil {
			// SQLite answers the old mode when it could not change it.
			err = fmt.Errorf("journal mode stayed %q", mode)
		} else if c := sqliteCode(err); c != sqlite3.SQLITE_BUSY && c != sqlite3.SQLITE_LOCKED {
			return fmt.Errorf("set WAL mode: %w", err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("set WAL mode: still locked after %v: %w", busyTimeoutMS*time.Millisecond, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("set WAL mode: %w", ctx.Err())
		case <-time.After(pause):
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// OpenReadOnly opens an existing database for reading while the app runs
// (another process may be writing it). It never creates nor migrates the
// file; writing methods return an error.
func OpenReadOnly(path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s read-only: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("open store %s read-only: %w", abs, err)
	}
	r, err := openReadPool(abs)
	if err != nil {
		return nil, err
	}
	var v int
	if err := r.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		r.Close()
		return nil, openError(abs, err)
	}
	switch {
	case v == 0:
		r.Close()
		return nil, fmt.Errorf("open store %s read-only: not a Reducto Tray history (schema version 0)", abs)
	case v != len(migrations):
		r.Close()
		return nil, fmt.Errorf("open store %s read-only: schema version %d, this build reads version %d (start the app once to migrate it)", abs, v, len(migrations))
	}
	return &Store{path: abs, r: r}, nil
}

// Close closes the database. The write connection closes last so that
// SQLite can checkpoint and remove the WAL file.
func (s *Store) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.insDelivery, s.insJob, s.insTrans} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	for _, m := range []*multiInsert{s.insLogs, s.insForwards} {
		if m != nil {
			errs = append(errs, m.close())
		}
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

func (s *Store) prepare() error {
	var err error
	if s.insDelivery, err = s.w.Prepare(`INSERT OR IGNORE INTO deliveries(id, received_at) VALUES (?, ?)`); err != nil {
		return fmt.Errorf("prepare delivery insert: %w", err)
	}
	if s.insJob, err = s.w.Prepare(`INSERT INTO jobs(job_id, file, name, kind, status, webhook, client_ref, options, error, size, pages, studio_link, retry_of, created_at, updated_at, source, preset, parent_id, category)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`); err != nil {
		return fmt.Errorf("prepare job insert: %w", err)
	}
	if s.insTrans, err = s.w.Prepare(`INSERT INTO transitions(job, from_status, to_status, at, detail) VALUES (?, ?, ?, ?, ?)`); err != nil {
		return fmt.Errorf("prepare transition insert: %w", err)
	}
	if s.insLogs, err = prepareMultiInsert(s.w, logRowInsert, logRowParams); err != nil {
		return fmt.Errorf("prepare delivery log inserts: %w", err)
	}
	if s.insForwards, err = prepareMultiInsert(s.w, forwardInsert, forwardParams); err != nil {
		return fmt.Errorf("prepare forward inserts: %w", err)
	}
	return nil
}

func (s *Store) writer() (*sql.DB, error) {
	if s.w == nil {
		return nil, errReadOnly
	}
	return s.w, nil
}

// readIdleTime is how long a read connection stays open unused. Each holds
// a page cache of up to 8 MB, filled by the start-up's queries over a long
// history: at two minutes an idle app kept about 10 MiB of them
// (BenchmarkDesktopIdle, docs/benchmarks.md "Idle footprint"). Reopening
// costs a fraction of a millisecond, and the pages come back from the
// operating system's cache; while someone scrolls or searches the
// connections stay open.
const readIdleTime = 2 * time.Second

func openReadPool(abs string) (*sql.DB, error) {
	r, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	n := min(max(runtime.NumCPU(), 2), 4)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(readIdleTime)
	if err := r.Ping(); err != nil {
		r.Close()
		return nil, openError(abs, err)
	}
	return r, nil
}

// dsn builds a file: URI (so paths with spaces, '?' or '#' survive and
// SQLite honours mode=ro) carrying the connection settings.
func dsn(abs string, readOnly bool, opts ...Option) string {
	o := newOptions(opts)
	q := url.Values{}
	// First, so that the pragmas below wait for a lock another opener holds.
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	if readOnly {
		q.Set("mode", "ro")
		q.Add("_pragma", "cache_size(-8000)")
	} else {
		q.Add("_pragma", "synchronous("+o.sync.pragma()+")")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "cache_size(-8000)")
		// Take the write lock at BEGIN: a deferred transaction that reads
		// then writes can fail with SQLITE_BUSY without waiting.
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	if runtime.GOOS == "windows" {
		u.Path = "/" + u.Path
	}
	return u.String()
}

// sqliteCode returns the primary SQLite result code in err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// openError names the usual reasons a history cannot be opened, because the
// bare SQLite message ("file is not a database (26)") does not say which file.
func openError(abs string, err error) error {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("open store %s: the file is not a SQLite database: %w", abs, err)
	case sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("open store %s: the database is corrupt: %w", abs, err)
	case sqlite3.SQLITE_CANTOPEN:
		return fmt.Errorf("open store %s: cannot open the file (missing, or no permission): %w", abs, err)
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("open store %s: disk full: %w", abs, err)
	}
	return fmt.Errorf("open store %s: %w", abs, err)
}

// unixMS is how the store keeps times: integer milliseconds, compact and
// ordered, read back as UTC.
func unixMS(t time.Time) int64 { return t.UnixMilli() }

func fromMS(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
