package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/safefs"
)

// A watched file checked by the watcher and then swapped — for a link to
// a file outside the folder, or for a newer save — before its upload's
// turn is never read: the job fails without a single upload, and an
// unchanged one is uploaded as usual.
func TestSubmitRefsUploadsOnlyTheVersionChecked(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	files := r.files(3)
	secret := filepath.Join(t.TempDir(), "npmrc")
	if err := os.WriteFile(secret, []byte("%PDF-1.4 //registry/:_authToken=secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ids := make([]safefs.Identity, len(files))
	for i, f := range files {
		fh, id, err := safefs.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		fh.Close()
		ids[i] = id
	}
	// files[0]: swapped for a link; files[1]: saved over; files[2]: as checked.
	if err := os.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, files[0]); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.WriteFile(files[1], []byte("%PDF-1.4 a corrected scan, longer than before\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(files[1], later, later); err != nil {
		t.Fatal(err)
	}
	docs := []engine.RefDoc{
		{File: files[0], Ref: "ref-link", Expect: ids[0]},
		{File: files[1], Ref: "ref-newer", Expect: ids[1]},
		{File: files[2], Ref: "ref-same", Expect: ids[2]},
	}
	created, errs, err := r.engine.SubmitRefs(context.Background(), docs, jobs.Options{Kind: jobs.KindParse, Source: jobs.SourceWatch})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "every job final", r.allFinal)
	byID := map[int64]jobs.Job{}
	for _, j := range r.jobs() {
		byID[j.ID] = j
	}
	for i, want := range []jobs.Status{jobs.StatusFailed, jobs.StatusFailed, jobs.StatusCompleted} {
		if errs[i] != nil {
			// Refused before a row was written (the link): nothing to upload either.
			if i == 0 {
				continue
			}
			t.Fatalf("doc %d refused: %v", i, errs[i])
		}
		got := byID[created[i].ID]
		if got.Status != want {
			t.Fatalf("doc %d (%s): status %s (%s); want %s", i, docs[i].Ref, got.Status, got.Error, want)
		}
		if want == jobs.StatusFailed && !strings.Contains(got.Error, "changed") && !strings.Contains(got.Error, safefs.ErrNotRegular.Error()) {
			t.Fatalf("doc %d: error %q does not say why", i, got.Error)
		}
	}
	if n := r.sim.Requests("/upload"); n != 1 {
		t.Fatalf("%d uploads; want 1 (only the unchanged file)", n)
	}
}

// A job from a watched folder retried by hand after its file was swapped
// for a link reads nothing through the link.
func TestRetryOfAWatchedJobNeverFollowsALink(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	file := r.files(1)[0]
	r.sim.FailNext("the first try fails")
	created, errs, err := r.engine.SubmitRefs(context.Background(), []engine.RefDoc{{File: file, Ref: "ref-retry"}},
		jobs.Options{Kind: jobs.KindParse, Source: jobs.SourceWatch})
	if err != nil || errs[0] != nil {
		t.Fatal(err, errs)
	}
	waitFor(t, 20*time.Second, "the first job final", r.allFinal)
	uploads := r.sim.Requests("/upload")
	secret := filepath.Join(t.TempDir(), "npmrc")
	if err := os.WriteFile(secret, []byte("%PDF-1.4 //registry/:_authToken=secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, file); err != nil {
		t.Fatal(err)
	}
	if _, err := r.engine.Retry(context.Background(), created[0].ID); err != nil {
		t.Logf("retry refused: %v", err)
	}
	waitFor(t, 20*time.Second, "the retry final", r.allFinal)
	if n := r.sim.Requests("/upload"); n != uploads {
		t.Fatalf("%d uploads after the retry; want %d (nothing read through the link)", n, uploads)
	}
}
