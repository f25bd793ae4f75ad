package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func TestFileWrittenInSlowChunksIsOneJobAfterTheLastChunk(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.start(r.folder())
	path := filepath.Join(r.dir, "scan.pdf")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	var last time.Time
	for i := range 5 {
		chunk := []byte(fmt.Sprintf("chunk %d\n", i))
		if i == 0 {
			chunk = []byte("%PDF-1.4\n")
		}
		if _, err := fh.Write(chunk); err != nil {
			t.Fatal(err)
		}
		last = time.Now()
		if i < 4 {
			// Slower than events, faster than the settling time (300 ms):
			// the file must not be taken between chunks.
			time.Sleep(150 * time.Millisecond)
		}
	}
	fh.Close()
	info, _ := os.Stat(path)
	js := r.waitJobs(1)
	if js[0].Size != info.Size() || js[0].File != path || js[0].Source != jobs.SourceWatch {
		t.Fatalf("job = %+v; want the whole file (%d bytes), source watch", js[0], info.Size())
	}
	if js[0].CreatedAt.Before(last.Add(r.cfg.Settle).Truncate(time.Millisecond)) {
		t.Fatalf("queued at %v, before the last chunk (%v) had settled", js[0].CreatedAt, last)
	}
	r.settledAt(1)
}

func TestPartialNameRenamedIsOneJob(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.start(r.folder())
	part := filepath.Join(r.dir, "download.pdf.filepart")
	writeFile(t, part, pdf("download"))
	// Office lock files, dot files and the app's own outputs are never taken.
	writeFile(t, filepath.Join(r.dir, "~$draft.docx"), []byte("lock"))
	writeFile(t, filepath.Join(r.dir, ".hidden.pdf"), pdf("hidden"))
	writeFile(t, filepath.Join(r.dir, "old.parse.md"), []byte("# result"))
	writeFile(t, filepath.Join(r.dir, ProcessedDir, "done.pdf"), pdf("done"))
	// A real document written after them: once it is a job, the watcher
	// has seen everything before it settle too (no sleep needed).
	writeFile(t, filepath.Join(r.dir, "marker.pdf"), pdf("marker"))
	r.waitJobs(1)
	r.settledAt(1) // only the marker: a partial, hidden, lock or processed file was never taken
	if err := os.Rename(part, filepath.Join(r.dir, "download.pdf")); err != nil {
		t.Fatal(err)
	}
	js := r.waitJobs(2)
	if filepath.Base(js[0].File) != "download.pdf" && filepath.Base(js[1].File) != "download.pdf" {
		t.Fatalf("jobs for %s and %s; want one for download.pdf", js[0].File, js[1].File)
	}
	r.settledAt(2)
}

func TestFolderMovedInIsPickedUp(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.start(r.folder())
	outside := filepath.Join(t.TempDir(), "batch")
	for i := range 3 {
		writeFile(t, filepath.Join(outside, "inner", fmt.Sprintf("doc%d.pdf", i)), pdf(fmt.Sprint("moved", i)))
	}
	// Same file system: a rename, as a file manager's move is.
	if err := os.Rename(outside, filepath.Join(r.dir, "batch")); err != nil {
		t.Skipf("cannot move across these temp folders: %v", err)
	}
	r.waitJobs(3)
	// A file added later to the moved-in folder is watched too.
	writeFile(t, filepath.Join(r.dir, "batch", "inner", "later.pdf"), pdf("later"))
	r.waitJobs(4)
	r.settledAt(4)
}

func TestKilledBeforeTheLedgerIsMarkedIsStillOneJob(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.start(r.folder())
	crashed := make(chan struct{})
	r.mgr.hookBeforeMark = func() error {
		close(crashed)
		return errors.New("simulated crash")
	}
	writeFile(t, filepath.Join(r.dir, "invoice.pdf"), pdf("invoice"))
	<-crashed
	r.stop() // the job exists, its ledger row still says claimed
	rows := r.ledgerAfterStop()
	if len(rows) != 1 || rows[0].State != store.LedgerClaimed {
		t.Fatalf("ledger after the crash = %+v; want one claimed row", rows)
	}
	r.start(r.folder())
	js := r.waitJobs(1)
	waitFor(t, "the ledger row done", func() bool {
		rows := r.ledger()
		return len(rows) == 1 && rows[0].State == store.LedgerDone && rows[0].Job == js[0].ID
	})
	if js[0].ClientRef != rows[0].ClientRef {
		t.Fatalf("job reference %s; the ledger claimed %s", js[0].ClientRef, rows[0].ClientRef)
	}
	for ref, n := range r.refsOf() {
		if n != 1 {
			t.Fatalf("reference %s submitted %d times", ref, n)
		}
	}
	if r.simJobs() != 1 {
		t.Fatalf("%d jobs at the API; want 1", r.simJobs())
	}
}

// ledgerAfterStop reads the ledger from a store opened just for that.
func (r *rig) ledgerAfterStop() []store.LedgerEntry {
	r.t.Helper()
	st, err := store.Open(r.dbPath)
	if err != nil {
		r.t.Fatal(err)
	}
	defer st.Close()
	var out []store.LedgerEntry
	if err := st.LedgerLoad(context.Background(), r.dir, "", func(e store.LedgerEntry) { out = append(out, e) }); err != nil {
		r.t.Fatal(err)
	}
	return out
}

func TestUnchangedFileIsNeverSubmittedAgainAndAChangedOneIs(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.start(r.folder())
	path := filepath.Join(r.dir, "report.pdf")
	writeFile(t, path, pdf("v1"))
	r.waitJobs(1)
	r.settledAt(1)

	// A restart scans the folder: the file is in the ledger as it is.
	r.stop()
	r.start(r.folder())
	r.settledAt(1)

	// Touched (mtime changes, content the same): hashed, but not paid for.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	r.settledAt(1)

	writeFile(t, path, pdf("v2 with more text"))
	js := r.waitJobs(2)
	if js[0].File != path || js[1].File != path {
		t.Fatalf("jobs for %s and %s; want both for report.pdf", js[0].File, js[1].File)
	}
	r.settledAt(2)
	if r.simJobs() != 2 {
		t.Fatalf("%d jobs at the API; want 2", r.simJobs())
	}
}

func TestDuplicateContentIsNotPaidTwice(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.start(r.folder())
	writeFile(t, filepath.Join(r.dir, "a.pdf"), pdf("same"))
	js := r.waitJobs(1)
	copyPath := filepath.Join(r.dir, "copy of a.pdf")
	writeFile(t, copyPath, pdf("same"))
	waitFor(t, "the duplicate's results", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.written[copyPath] == js[0].ID
	})
	r.settledAt(1)
	if r.simJobs() != 1 {
		t.Fatalf("%d jobs at the API; want 1", r.simJobs())
	}
	var dup int
	for _, e := range r.ledger() {
		if e.State == store.LedgerDuplicate && e.Path == copyPath && e.Job == js[0].ID {
			dup++
		}
	}
	if dup != 1 {
		t.Fatalf("ledger = %+v; want the copy recorded as a duplicate of job %d", r.ledger(), js[0].ID)
	}
}

func TestDuplicatesInOneBatchArePaidOnce(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.start(r.folder())
	for i := range 5 {
		writeFile(t, filepath.Join(r.dir, fmt.Sprintf("same-%d.pdf", i)), pdf("one content"))
	}
	js := r.waitJobs(1)
	waitFor(t, "every duplicate's results", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.written) == 4
	})
	r.settledAt(1)
	if r.simJobs() != 1 || js[0].Status != jobs.StatusCompleted {
		t.Fatalf("%d API jobs, job %+v; want one completed", r.simJobs(), js[0])
	}
}

func TestFailedFileIsRetriedThenGivenUpAndMoved(t *testing.T) {
	r := newRig(t, reductotest.Config{Outcome: reductotest.FailNamesContaining("broken")})
	f := r.folder()
	f.MoveOriginals = true
	r.start(f)
	writeFile(t, filepath.Join(r.dir, "sub", "broken-scan.pdf"), pdf("broken"))
	writeFile(t, filepath.Join(r.dir, "good.pdf"), pdf("good"))
	r.waitJobs(1 + r.cfg.MaxAttempts)
	waitFor(t, "the failed original moved", func() bool {
		_, err := os.Stat(filepath.Join(r.dir, FailedDir, "sub", "broken-scan.pdf"))
		return err == nil
	})
	waitFor(t, "the good original moved", func() bool {
		_, err := os.Stat(filepath.Join(r.dir, ProcessedDir, "good.pdf"))
		return err == nil
	})
	r.settledAt(1 + r.cfg.MaxAttempts)
	st := r.mgr.Statuses()[0]
	if st.Failed != 1 || st.FailedToday != 1 || st.DoneToday != 1 {
		t.Fatalf("status = %+v; want 1 failed, 1 done today", st)
	}
	if want := "gave up after 3 attempts"; !strings.Contains(st.LastFailure, want) || !strings.Contains(st.LastFailure, "broken-scan.pdf") {
		t.Fatalf("last failure %q; want it to name the file and say %q", st.LastFailure, want)
	}
	for _, e := range r.ledger() {
		if filepath.Base(e.Path) == "broken-scan.pdf" && (e.State != store.LedgerFailed || e.NextTry != nil || e.Attempts != 3) {
			t.Fatalf("ledger row %+v; want failed for good after 3 attempts", e)
		}
	}
}

func TestPausedFolderSubmitsNothingUntilResumed(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	f := r.folder()
	f.Paused = true
	r.start(f)
	writeFile(t, filepath.Join(r.dir, "held.pdf"), pdf("held"))
	waitFor(t, "the file settled and waiting", func() bool {
		st := r.mgr.Statuses()[0]
		return st.State == jobs.FolderPaused && st.Waiting == 1
	})
	// Settled and counted as waiting, yet nothing submitted: the pause holds.
	if n := len(r.jobs()); n != 0 {
		t.Fatalf("%d jobs from a paused folder", n)
	}
	r.mgr.SetPaused(r.dir, false)
	r.waitJobs(1)
}

func TestMissingFolderIsAnErrorUntilItAppears(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.cfg.Rescan = 200 * time.Millisecond
	missing := filepath.Join(r.dir, "not yet")
	r.start(jobs.WatchFolder{Path: missing})
	waitFor(t, "the error state", func() bool {
		st := r.mgr.Statuses()[0]
		return st.State == jobs.FolderError && strings.Contains(st.Err, "folder missing")
	})
	writeFile(t, filepath.Join(missing, "first.pdf"), pdf("first"))
	waitFor(t, "watching", func() bool { return r.mgr.Statuses()[0].State == jobs.FolderWatching })
	r.waitJobs(1)
}

func TestThousandFilesCopiedInAreThousandJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 files")
	}
	r := newRig(t, reductotest.Config{})
	r.start(r.folder())
	const n = 1000
	for i := range n {
		writeFile(t, filepath.Join(r.dir, fmt.Sprintf("doc-%04d.pdf", i)), pdf(fmt.Sprint("doc", i)))
	}
	// Queued is what the watcher owes; finishing 1,000 jobs is the engine's
	// business (and slow under -race).
	waitFor(t, "1,000 jobs queued", func() bool { return len(r.jobs()) >= n })
	waitFor(t, "nothing waiting", func() bool { return r.mgr.Statuses()[0].Waiting == 0 })
	seen := map[string]bool{}
	for _, j := range r.jobs() {
		if seen[j.File] {
			t.Fatalf("%s submitted twice", j.File)
		}
		seen[j.File] = true
	}
	if len(seen) != n {
		t.Fatalf("%d jobs; want %d", len(seen), n)
	}
	jobsOf := map[int64]bool{}
	for _, e := range r.ledger() {
		if e.State != store.LedgerSubmitted && e.State != store.LedgerDone || jobsOf[e.Job] {
			t.Fatalf("ledger row %+v: want one submitted row per job", e)
		}
		jobsOf[e.Job] = true
	}
	if len(jobsOf) != n {
		t.Fatalf("%d ledger rows with a job; want %d", len(jobsOf), n)
	}
}
