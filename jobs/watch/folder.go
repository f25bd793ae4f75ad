package watch

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/safefs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// sig is what a file looks like without reading it (size, mtime and,
// where an lstat gives them, device and inode): compared with the ledger
// before anything is hashed. The identity a file settled with is checked
// again, with the file opened without following links, at every later
// step (hash, upload, retry, a duplicate's results, the move).
type sig = safefs.Identity

func sigOf(info fs.FileInfo) sig { return safefs.FromInfo(info) }

// rowSig is the identity a ledger row recorded.
func rowSig(e store.LedgerEntry) sig {
	return sig{Dev: e.Dev, Ino: e.Ino, Size: e.Size, MtimeNS: e.MtimeNS}
}

// cand is a file seen changing, waiting to settle.
type cand struct {
	sig   sig
	due   time.Time // when to look again
	opens int       // times it could not be opened yet
}

// maxOpenTries bounds how often a settled file that cannot be opened (held
// by another program) is tried before it is left to the next rescan.
const maxOpenTries = 5

// folder is one watched folder with one preset. Its loop goroutine owns the
// fsnotify watcher; its processor goroutine hashes, claims and submits;
// both share the state under mu.
type folder struct {
	m       *Manager
	cfg     jobs.WatchFolder
	session bool
	log     *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{} // loop: a due time moved earlier
	kick   chan struct{} // processor: work is ready

	// Owned by the loop goroutine.
	watcher *fsnotify.Watcher
	watched map[string]bool

	mu          sync.Mutex
	state       jobs.FolderState
	err         string
	lastFailure string
	lastScan    time.Time
	paused      bool
	known       map[string]sig // path -> signature the ledger has (or a non-document seen)
	pending     map[string]*cand
	ready       []string
	readySet    map[string]sig              // ready path -> the identity it settled with
	busy        int                         // files in the batch being submitted
	resubmit    []store.LedgerEntry         // rows to (re)submit: claimed at a crash, or due for a retry
	retries     map[int64]store.LedgerEntry // failed rows waiting for NextTry
	inflight    map[int64]store.LedgerEntry // job id -> its row, submitted and not final
	day         time.Time                   // local midnight the today counters count from
	doneToday   int
	failedToday int
	failed      int
}

func newFolder(m *Manager, cfg jobs.WatchFolder, session bool) *folder {
	ctx, cancel := context.WithCancel(m.ctx)
	return &folder{
		m: m, cfg: cfg, session: session, paused: cfg.Paused,
		log: m.log.With("folder", cfg.Path, "preset", cfg.Preset),
		ctx: ctx, cancel: cancel,
		wake: make(chan struct{}, 1), kick: make(chan struct{}, 1),
		state: jobs.FolderScanning,
		known: map[string]sig{}, pending: map[string]*cand{}, readySet: map[string]sig{},
		retries: map[int64]store.LedgerEntry{}, inflight: map[int64]store.LedgerEntry{},
		day: midnight(time.Now()),
	}
}

func midnight(t time.Time) time.Time {
	y, mo, d := t.Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, t.Location())
}

func (f *folder) start() {
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		if err := f.load(); err != nil {
			if f.ctx.Err() == nil {
				f.log.Error("watched folder: read the ledger", "err", err)
				f.setError("cannot read the ledger: " + err.Error())
			}
			return
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.process()
		}()
		f.loop()
	}()
}

func (f *folder) stop() {
	f.cancel()
	f.wg.Wait()
}

func (f *folder) setPaused(p bool) {
	f.mu.Lock()
	f.paused = p
	f.mu.Unlock()
	if !p {
		f.poke(f.kick)
	}
}

func (f *folder) poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

func (f *folder) setError(msg string) {
	f.mu.Lock()
	f.state, f.err = jobs.FolderError, msg
	f.mu.Unlock()
	f.m.changed()
}

// status is the folder's FolderStatus now.
func (f *folder) status() jobs.FolderStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rollDay(time.Now())
	st := jobs.FolderStatus{
		Folder: f.cfg, Session: f.session, State: f.state, Err: f.err, LastFailure: f.lastFailure,
		Waiting: len(f.pending) + len(f.ready) + f.busy + len(f.resubmit) + len(f.retries),
		Running: len(f.inflight), DoneToday: f.doneToday, FailedToday: f.failedToday, Failed: f.failed,
		LastScan: f.lastScan,
	}
	st.Folder.Paused = f.paused
	if f.paused && st.State != jobs.FolderError {
		st.State = jobs.FolderPaused
	}
	if st.State != jobs.FolderError {
		st.Err = ""
	}
	return st
}

// rollDay zeroes the today counters after midnight; mu held.
func (f *folder) rollDay(now time.Time) {
	if d := midnight(now); d.After(f.day) {
		f.day, f.doneToday, f.failedToday = d, 0, 0
	}
}

// load reads the folder's ledger once: the signatures of the files still
// there (so unchanged files are never hashed again), the rows a crash left
// claimed, the jobs still running and the retries still due. Rows of files
// that are gone are not kept in memory (the ledger still answers for their
// content when a claim asks), so a folder's start costs memory for what is
// in it, not for its history; those older than the retention are deleted.
func (f *folder) load() error {
	today := midnight(time.Now())
	cutoff := time.Now().Add(-f.m.cfg.LedgerRetention)
	var prune []int64
	// Under the lock throughout: Statuses may be asked meanwhile.
	f.mu.Lock()
	defer f.mu.Unlock()
	err := f.m.cfg.Store.LedgerLoad(f.ctx, f.cfg.Path, f.cfg.Preset, func(e store.LedgerEntry) {
		active := false
		switch e.State {
		case store.LedgerClaimed:
			f.resubmit = append(f.resubmit, e)
			active = true
		case store.LedgerSubmitted:
			if e.Job != 0 {
				f.inflight[e.Job] = e
				active = true
			}
		case store.LedgerFailed:
			if e.NextTry != nil {
				f.retries[e.ID] = e
				active = true
			} else {
				f.failed++
				if !e.UpdatedAt.Before(today) {
					f.failedToday++
				}
				f.lastFailure = filepath.Base(e.Path) + ": " + e.Reason
			}
		case store.LedgerDone:
			if !e.UpdatedAt.Before(today) {
				f.doneToday++
			}
		}
		if _, err := os.Lstat(e.Path); err == nil {
			f.known[e.Path] = rowSig(e)
		} else if !active && errors.Is(err, fs.ErrNotExist) && e.UpdatedAt.Before(cutoff) {
			prune = append(prune, e.ID)
		}
	})
	if err != nil {
		return err
	}
	if err := f.m.cfg.Store.LedgerDelete(f.ctx, prune); err != nil {
		// Kept for the next start: nothing is lost but the space.
		f.log.Warn("watched folder: prune the ledger", "err", err)
	} else if len(prune) > 0 {
		f.log.Info("watched folder: ledger rows of files gone since the retention deleted", "rows", len(prune))
	}
	return nil
}

// loop follows fsnotify, settles files, and rescans on the timer. Every
// periodic wake-up here is either the one rescan ticker or a timer armed
// for a file that is settling: a folder at rest costs nothing between
// rescans.
func (f *folder) loop() {
	rescan := time.NewTicker(f.m.cfg.Rescan)
	defer rescan.Stop()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var armed time.Time
	arm := func(at time.Time) {
		if at.IsZero() {
			timer.Stop()
			armed = time.Time{}
			return
		}
		// A little slack gathers files that settle together into one
		// wake-up (and one batch).
		at = at.Add(20 * time.Millisecond)
		timer.Reset(time.Until(at))
		armed = at
	}
	defer func() {
		if f.watcher != nil {
			f.watcher.Close()
		}
	}()
	f.setup()
	f.poke(f.kick) // rows left claimed by a crash, jobs to reconcile
	arm(f.earliest())
	for {
		var (
			events <-chan fsnotify.Event
			errs   <-chan error
		)
		if f.watcher != nil {
			events, errs = f.watcher.Events, f.watcher.Errors
		}
		select {
		case <-f.ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				f.watcher = nil
				continue
			}
			if due := f.event(ev); !due.IsZero() && (armed.IsZero() || due.Before(armed)) {
				arm(due)
			}
		case err, ok := <-errs:
			if !ok {
				continue
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost under load: the scan finds what they said.
				f.log.Warn("watched folder: events lost, rescanning")
				f.scan()
			} else {
				f.log.Warn("watched folder: watcher error", "err", err)
			}
			arm(f.earliest())
		case <-timer.C:
			armed = time.Time{}
			f.settle()
			arm(f.earliest())
		case <-f.wake:
			arm(f.earliest())
		case <-rescan.C:
			if f.watcher == nil {
				f.setup()
			} else {
				f.scan()
			}
			f.poke(f.kick) // also reconciles running jobs
			arm(f.earliest())
		}
	}
}

// earliest is the next time a settling file or a retry is due (zero: none).
func (f *folder) earliest() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	var at time.Time
	for _, c := range f.pending {
		if at.IsZero() || c.due.Before(at) {
			at = c.due
		}
	}
	for _, r := range f.retries {
		if at.IsZero() || r.NextTry.Before(at) {
			at = *r.NextTry
		}
	}
	return at
}

// setup checks the folder, starts watching it and scans it.
func (f *folder) setup() {
	info, err := os.Stat(f.cfg.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f.setError("folder missing: " + f.cfg.Path)
		return
	case errors.Is(err, fs.ErrPermission):
		f.setError("no permission to read " + f.cfg.Path)
		return
	case err != nil:
		f.setError(err.Error())
		return
	case !info.IsDir():
		f.setError(f.cfg.Path + " is not a folder")
		return
	}
	if _, err := os.ReadDir(f.cfg.Path); err != nil {
		f.setError("no permission to read " + f.cfg.Path)
		return
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		f.setError("cannot watch " + f.cfg.Path + ": " + err.Error())
		return
	}
	if err := w.Add(f.cfg.Path); err != nil {
		w.Close()
		f.setError("cannot watch " + f.cfg.Path + ": " + err.Error())
		return
	}
	f.watcher, f.watched = w, map[string]bool{f.cfg.Path: true}
	f.mu.Lock()
	f.state, f.err = jobs.FolderScanning, ""
	f.mu.Unlock()
	f.m.changed()
	f.scan()
}

// event handles one fsnotify event and returns when a file it made
// settling is due (zero: nothing new).
func (f *folder) event(ev fsnotify.Event) time.Time {
	rel, err := filepath.Rel(f.cfg.Path, ev.Name)
	if err != nil {
		return time.Time{}
	}
	f.guard(ev.Name)
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		f.mu.Lock()
		delete(f.pending, ev.Name)
		f.mu.Unlock()
		if f.watched[ev.Name] {
			_ = f.watcher.Remove(ev.Name)
			delete(f.watched, ev.Name)
		}
		if ev.Name == f.cfg.Path {
			f.watcher.Close()
			f.watcher = nil
			f.setError("folder missing: " + f.cfg.Path)
		}
		return time.Time{}
	}
	info, err := os.Lstat(ev.Name)
	if err != nil {
		return time.Time{}
	}
	if info.IsDir() {
		if f.cfg.Recursive && ev.Has(fsnotify.Create) && !skipDir(rel) {
			// A folder made or moved in: watch it and everything in it
			// (files already inside produced no events of their own).
			f.walk(ev.Name)
			return time.Now().Add(f.m.cfg.Settle)
		}
		return time.Time{}
	}
	if !info.Mode().IsRegular() || skipFile(rel) {
		return time.Time{}
	}
	if filepath.Dir(rel) != "." && !f.cfg.Recursive {
		return time.Time{}
	}
	return f.candidate(ev.Name, info, true)
}

// candidate puts a file that may have changed on the settling list unless
// the ledger already has it as it is. With again, a file already settling
// starts its settling time over (it was written again).
func (f *folder) candidate(path string, info fs.FileInfo, again bool) time.Time {
	s := sigOf(info)
	f.mu.Lock()
	defer f.mu.Unlock()
	if k, ok := f.known[path]; ok && k.Same(s) {
		return time.Time{}
	}
	if _, ok := f.readySet[path]; ok {
		return time.Time{}
	}
	due := time.Now().Add(f.m.cfg.Settle)
	if c, ok := f.pending[path]; ok {
		if !again && c.sig.Same(s) {
			return time.Time{}
		}
		c.sig, c.due = s, due
		return due
	}
	f.pending[path] = &cand{sig: s, due: due}
	return due
}

// scan walks the folder: subfolders not yet watched get a watch, files
// the ledger does not have as they are start settling. Files the ledger
// has cost one lstat and one map lookup: nothing is read or hashed.
func (f *folder) scan() {
	f.mu.Lock()
	if f.state != jobs.FolderError {
		f.state = jobs.FolderScanning
	}
	f.mu.Unlock()
	f.m.changed()
	f.walk(f.cfg.Path)
	f.mu.Lock()
	f.lastScan = time.Now()
	if f.watcher != nil {
		f.state, f.err = jobs.FolderWatching, ""
	}
	f.mu.Unlock()
	f.m.changed()
}

// walk scans the tree at dir (the folder or a subfolder moved in).
func (f *folder) walk(dir string) {
	walkDocs(f.ctx, f.cfg, dir, func(p string) {
		if f.watcher != nil && !f.watched[p] {
			if err := f.watcher.Add(p); err != nil {
				f.log.Warn("watched folder: cannot watch a subfolder; the rescan still covers it", "dir", p, "err", err)
			} else {
				f.watched[p] = true
			}
		}
	}, func(p string, info fs.FileInfo) { f.candidate(p, info, false) })
}

// walkDocs walks the tree at dir inside the watched folder cfg.Path: dirs
// gets every folder entered (the folder itself too), file every regular
// file the watcher would take (by name; links, hidden, partial and output
// files, processed/ and failed/ are never seen). Unreadable subfolders are
// skipped; it stops when ctx ends.
func walkDocs(ctx context.Context, cfg jobs.WatchFolder, dir string, dirs func(string), file func(string, fs.FileInfo)) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return filepath.SkipAll
		}
		if err != nil {
			return nil // an unreadable subfolder: skip it, keep the rest
		}
		rel, rerr := filepath.Rel(cfg.Path, p)
		if rerr != nil {
			return nil
		}
		if d.IsDir() {
			if p != cfg.Path && (!cfg.Recursive || skipDir(rel)) {
				return filepath.SkipDir
			}
			if dirs != nil {
				dirs(p)
			}
			return nil
		}
		if !d.Type().IsRegular() || skipFile(rel) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		file(p, info)
		return nil
	})
}

// settle looks at every file whose settling time is up: one whose size
// and mtime held still and that can be opened is ready; one that changed
// settles again. Retries that are due are queued too.
func (f *folder) settle() {
	now := time.Now()
	f.mu.Lock()
	n := 0
	for path, c := range f.pending {
		if c.due.After(now) {
			continue
		}
		info, err := os.Lstat(path)
		if err != nil || !info.Mode().IsRegular() {
			delete(f.pending, path)
			continue
		}
		if s := sigOf(info); !s.Same(c.sig) {
			c.sig, c.due = s, now.Add(f.m.cfg.Settle)
			continue
		}
		if k, ok := f.known[path]; ok && k.Same(c.sig) {
			delete(f.pending, path)
			continue
		}
		// Opened without following a link: what settled is this file, and
		// every later step checks it is still this one.
		id, err := safefs.Stat(path)
		if errors.Is(err, safefs.ErrNotRegular) {
			delete(f.pending, path)
			continue
		}
		if err != nil {
			if c.opens++; c.opens >= maxOpenTries {
				delete(f.pending, path) // the next rescan tries again
			} else {
				c.due = now.Add(f.m.cfg.Settle)
			}
			continue
		}
		if !id.Same(c.sig) {
			c.sig, c.due = id, now.Add(f.m.cfg.Settle)
			continue
		}
		delete(f.pending, path)
		f.ready = append(f.ready, path)
		f.readySet[path] = id
		n++
	}
	for id, r := range f.retries {
		if !r.NextTry.After(now) {
			delete(f.retries, id)
			f.resubmit = append(f.resubmit, r)
			n++
		}
	}
	f.mu.Unlock()
	if n > 0 {
		f.poke(f.kick)
		f.m.changed()
	}
}
