package watch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// uploads records every upload's bytes the simulated API received.
type uploads struct {
	mu   sync.Mutex
	seen [][]byte
}

func (u *uploads) hook(doc []byte, _ string) ([]reductotest.LayoutPage, error) {
	u.mu.Lock()
	u.seen = append(u.seen, bytes.Clone(doc))
	u.mu.Unlock()
	return nil, nil
}

func (u *uploads) contain(b []byte) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, s := range u.seen {
		if bytes.Contains(s, b) {
			return true
		}
	}
	return false
}

// A file whose first job failed is swapped, before its retry, for a link
// to a secret outside the folder. The retry used to upload the link's
// target (and write its results into the shared folder); now the retry
// sees the file is not the one that settled and takes nothing.
func TestRetryOfAFileSwappedForALinkUploadsNothingFromOutside(t *testing.T) {
	var up uploads
	r := newRig(t, reductotest.Config{Layout: up.hook})
	r.cfg.Retry = backoff.Policy{Min: time.Second, Max: time.Second, Jitter: -1}
	f := r.folder()
	f.MoveOriginals = true
	secretDir := t.TempDir()
	secret := filepath.Join(secretDir, "secret.pdf")
	secretText := []byte("%PDF-1.4\n% SECRET-TOKEN\n%%EOF\n")
	writeFile(t, secret, secretText)
	r.sim.FailNext("simulated failure of the first job")
	r.start(f)
	path := filepath.Join(r.dir, "scan.pdf")
	writeFile(t, path, pdf("scan"))
	r.waitJobs(1)
	waitFor(t, "the failed file waiting for its retry", func() bool {
		for _, e := range r.ledger() {
			if e.Path == path && e.State == store.LedgerFailed && e.NextTry != nil {
				return true
			}
		}
		return false
	})
	swapForLink(t, path, secret)
	waitFor(t, "the swapped file's row ended", func() bool {
		for _, e := range r.ledger() {
			if e.Path == path && e.State == store.LedgerFailed && e.NextTry == nil {
				return true
			}
		}
		return false
	})
	r.settledAt(1)
	if up.contain([]byte("SECRET-TOKEN")) {
		t.Fatal("the link's target outside the folder was uploaded")
	}
	sum := sha256.Sum256(secretText)
	for _, e := range r.ledger() {
		if e.Hash == hex.EncodeToString(sum[:]) {
			t.Fatalf("the secret was hashed into the ledger: %+v", e)
		}
	}
	ents, _ := os.ReadDir(r.dir)
	if len(ents) != 1 || ents[0].Name() != "scan.pdf" || ents[0].Type()&os.ModeSymlink == 0 {
		t.Fatalf("folder holds %v; want only the link, nothing written or moved", ents)
	}
	if got, _ := os.ReadFile(secret); !bytes.Equal(got, secretText) {
		t.Fatal("the secret changed")
	}
}

// A corrected scan saved over the original while the original's job runs
// used to be moved into processed/ when that job completed, and never
// submitted. Only the version processed is moved; the newer one is a new
// document.
func TestFileOverwrittenDuringItsJobIsNotMovedButSubmitted(t *testing.T) {
	var up uploads
	r := newRig(t, reductotest.Config{Layout: up.hook,
		JobDuration: func(reductotest.Submission) time.Duration { return 100 * time.Second }}) // 1 s here
	r.cfg.Settle = 2 * time.Second // longer than the job: the old move came first
	f := r.folder()
	f.MoveOriginals = true
	r.start(f)
	path := filepath.Join(r.dir, "a.pdf")
	writeFile(t, path, pdf("old scan"))
	waitFor(t, "the first job running", func() bool {
		js := r.jobs()
		return len(js) == 1 && js[0].Status == jobs.StatusPending
	})
	writeFile(t, path, pdf("corrected scan, longer"))
	js := r.waitJobs(2)
	for _, j := range js {
		if j.Status != jobs.StatusCompleted {
			t.Fatalf("job %+v; want completed", j)
		}
	}
	if !up.contain([]byte("corrected scan, longer")) {
		t.Fatal("the corrected scan was never uploaded")
	}
	waitFor(t, "the corrected scan moved after its own job", func() bool {
		b, err := os.ReadFile(filepath.Join(r.dir, ProcessedDir, "a.pdf"))
		return err == nil && bytes.Contains(b, []byte("corrected scan"))
	})
	r.settledAt(2)
}

// Ledger rows of files gone from the folder are deleted once older than
// the retention, and a folder's start keeps only the files that are there.
func TestLedgerRowsOfFilesGoneArePrunedAfterTheRetention(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.start(r.folder())
	keep, gone := filepath.Join(r.dir, "keep.pdf"), filepath.Join(r.dir, "gone.pdf")
	writeFile(t, keep, pdf("keep"))
	writeFile(t, gone, pdf("gone"))
	r.waitJobs(2)
	r.settledAt(2)
	r.stop()
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	paths := func() map[string]bool {
		st, err := store.Open(r.dbPath)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		out := map[string]bool{}
		if err := st.LedgerLoad(context.Background(), r.dir, "", func(e store.LedgerEntry) { out[e.Path] = true }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	restart := func() {
		r.start(r.folder())
		waitFor(t, "the folder started", func() bool {
			st := r.mgr.Statuses()
			return len(st) == 1 && st[0].State == jobs.FolderWatching
		})
		r.stop()
	}
	restart() // the default retention: a fresh row stays
	if p := paths(); !p[gone] || !p[keep] {
		t.Fatalf("ledger paths %v; want both rows within the retention", p)
	}
	r.cfg.LedgerRetention = time.Millisecond
	time.Sleep(5 * time.Millisecond) // past the 1 ms retention (an age, not a synchronisation)
	r.start(r.folder())
	waitFor(t, "the folder started", func() bool {
		st := r.mgr.Statuses()
		return len(st) == 1 && st[0].State == jobs.FolderWatching
	})
	fo := r.mgr.folderOf(r.dir, "")
	fo.mu.Lock()
	known := len(fo.known)
	fo.mu.Unlock()
	if known != 1 {
		t.Fatalf("%d files known in memory; want 1 (only the file still there)", known)
	}
	r.stop()
	if p := paths(); p[gone] || !p[keep] {
		t.Fatalf("ledger paths %v; want only %s", p, keep)
	}
}

// SkipExisting (--watch-existing=new, the add-folder prompt's "only new
// files"): the documents already there are never submitted, a new one is.
func TestSkipExistingSubmitsOnlyWhatArrivesLater(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	writeFile(t, filepath.Join(r.dir, "old1.pdf"), pdf("old1"))
	writeFile(t, filepath.Join(r.dir, "sub", "old2.pdf"), pdf("old2, longer"))
	writeFile(t, filepath.Join(r.dir, "notes.txt.part"), []byte("partial"))
	r.start(jobs.WatchFolder{Path: t.TempDir()}) // a manager without this folder yet
	ctx := context.Background()
	ex, err := r.mgr.Existing(ctx, r.folder())
	if err != nil || !ex.New || ex.Files != 2 || ex.Bytes != int64(len(pdf("old1"))+len(pdf("old2, longer"))) {
		t.Fatalf("Existing = %+v, %v; want new, 2 documents", ex, err)
	}
	if n, err := r.mgr.SkipExisting(ctx, r.folder()); err != nil || n != 2 {
		t.Fatalf("SkipExisting = %d, %v; want 2", n, err)
	}
	r.mgr.Set([]jobs.WatchFolder{r.folder()}, nil)
	writeFile(t, filepath.Join(r.dir, "new.pdf"), pdf("new"))
	js := r.waitJobs(1)
	if filepath.Base(js[0].File) != "new.pdf" {
		t.Fatalf("job for %s; want new.pdf only", js[0].File)
	}
	r.settledAt(1)
	if ex, err := r.mgr.Existing(ctx, r.folder()); err != nil || ex.New {
		t.Fatalf("Existing after watching = %+v, %v; want not new", ex, err)
	}
}

// A file whose job waits behind other uploads is swapped for a link to a
// secret outside the folder. The engine uploads by name when the job's
// turn comes, so the watcher cancels a job not yet uploaded as soon as its
// file is not the version that settled: the secret is never uploaded.
func TestFileSwappedWhileItsUploadWaitsIsNeverRead(t *testing.T) {
	release := make(chan struct{})
	var (
		up      uploads
		mu      sync.Mutex
		blocked int
	)
	hook := func(doc []byte, name string) ([]reductotest.LayoutPage, error) {
		if bytes.Contains(doc, []byte("blocker")) {
			mu.Lock()
			blocked++
			mu.Unlock()
			<-release
		}
		return up.hook(doc, name)
	}
	r := newRig(t, reductotest.Config{Layout: hook})
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	secret := filepath.Join(t.TempDir(), "secret.pdf")
	writeFile(t, secret, []byte("%PDF-1.4\n% SECRET-TOKEN\n%%EOF\n"))
	r.start(r.folder())
	for i := range 4 { // the engine's default upload slots
		writeFile(t, filepath.Join(r.dir, fmt.Sprintf("blocker-%d.pdf", i)), pdf(fmt.Sprint("blocker ", i)))
	}
	waitFor(t, "every upload slot busy", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return blocked == 4
	})
	path := filepath.Join(r.dir, "waiting.pdf")
	writeFile(t, path, pdf("waiting"))
	var job jobs.Job
	waitFor(t, "its job queued behind the others", func() bool {
		for _, j := range r.jobs() {
			if j.File == path && j.Status == jobs.StatusQueued {
				job = j
				return true
			}
		}
		return false
	})
	swapForLink(t, path, secret)
	waitFor(t, "the waiting job cancelled", func() bool {
		j, err := r.engine.Job(context.Background(), job.ID)
		return err == nil && j.Status == jobs.StatusCancelled
	})
	close(release)
	r.waitJobs(5)
	r.settledAt(5)
	if up.contain([]byte("SECRET-TOKEN")) {
		t.Fatal("the link's target outside the folder was uploaded")
	}
}

// swapForLink replaces the file at path with a symbolic link to target,
// as someone with write access to the folder could.
func swapForLink(t *testing.T, path, target string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Skip("no symbolic links here:", err)
	}
}
