package engine_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// assertCompletedOnce fails unless every job in the store completed, each
// as exactly one job at Reducto.
func (r *rig) assertCompletedOnce(want int) {
	r.t.Helper()
	js := r.jobs()
	if len(js) != want {
		r.t.Fatalf("%d jobs in the history, want %d", len(js), want)
	}
	for _, j := range js {
		if j.Status != jobs.StatusCompleted {
			r.t.Fatalf("job %d %s: %s", j.ID, j.Status, j.Error)
		}
		if n := r.completions(j.ID); n != 1 {
			r.t.Fatalf("job %d completed %d times", j.ID, n)
		}
	}
	if got := len(r.sim.Jobs()); got != want {
		r.t.Fatalf("simulator has %d jobs, want %d", got, want)
	}
	for ref, n := range r.simJobsPerRef() {
		if n != 1 {
			r.t.Fatalf("reference %s became %d jobs", ref, n)
		}
	}
}

// Fault 1: three 503s to POST /parse_async (nothing created) and then a
// working API must give one completed job, not "submission failed".
func TestShort503BurstOnSubmissionCompletes(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	r.sim.Inject(reductotest.Fault{PathPrefix: "/parse_async", Count: 3, Status: http.StatusServiceUnavailable})
	if _, err := r.engine.Submit(context.Background(), r.files(1), jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the job final", r.allFinal)
	r.assertCompletedOnce(1)
	if n := r.sim.Requests("/parse_async"); n != 4 {
		t.Fatalf("%d submissions sent, want 3 refused and 1 accepted", n)
	}
}

// outage answers 503 to every API request while the clock is before the
// time set with until.
type outage struct{ end atomic.Int64 } // unix nanoseconds

func (o *outage) until(t time.Time) { o.end.Store(t.UnixNano()) }

func (o *outage) front(clk clock.Clock, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if clk.Now().UnixNano() < o.end.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"detail":"Service Unavailable (test outage)"}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Fault 1: an outage of two minutes (simulated time) delays uploads and
// submissions but fails none, and the jobs say they are waiting meanwhile.
func TestTwoMinuteOutageDelaysButCompletes(t *testing.T) {
	var o outage
	r := newRigFront(t, reductotest.Config{}, engine.PollPolicy{}, o.front)
	until := r.clk.Now().Add(2 * time.Minute)
	o.until(until)
	sub := r.engine.Subscribe()
	defer sub.Close()
	if _, err := r.engine.Submit(context.Background(), r.files(3), jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	var note string
	deadline := time.After(30 * time.Second)
	for note == "" {
		select {
		case ev := <-sub.C():
			if strings.Contains(ev.Note, "waiting for the API (503)") {
				note = ev.Note
			}
			if ev.Job.Status == jobs.StatusFailed {
				t.Fatalf("job failed during the outage: %s", ev.Job.Error)
			}
		case <-deadline:
			t.Fatal("no event said the job is waiting for the API")
		}
	}
	if !strings.Contains(note, "next try in") {
		t.Fatalf("note %q does not say when the next try is", note)
	}
	waitFor(t, 60*time.Second, "all jobs final", r.allFinal)
	if r.clk.Now().Before(until) {
		t.Fatal("jobs ended before the outage did")
	}
	r.assertCompletedOnce(3)
}

// Fault 3: two engines on one database (a relaunch during quit) claim
// each queued job exclusively: every document is uploaded and submitted
// once.
func TestTwoEnginesUploadEachQueuedDocumentOnce(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	files := r.files(12)
	r.close()
	st, e := r.startEngine(engine.PollPolicy{}) // only to write the queued rows
	e.Close()
	rows := make([]jobs.Job, len(files))
	for i, f := range files {
		rows[i] = jobs.Job{File: f, Kind: jobs.KindParse, Webhook: jobs.WebhookNone, ClientRef: fmt.Sprintf("ref-%02d", i), Size: 20}
	}
	if _, err := st.Create(context.Background(), rows); err != nil {
		t.Fatal(err)
	}
	st.Close()

	r.open(engine.PollPolicy{})
	st2, e2 := r.startEngine(engine.PollPolicy{})
	t.Cleanup(func() { e2.Close(); st2.Close() })
	waitFor(t, 30*time.Second, "all jobs final", r.allFinal)
	// A claim taken twice would upload and submit a document twice: each
	// client reference must reach Reducto once. The uploads themselves may
	// number more than the documents only by a retry of an upload whose
	// answer was lost (on a loaded machine a request can time out after
	// the simulator counted it); never fewer.
	if n := r.sim.Requests("/upload"); n < len(files) {
		t.Fatalf("%d uploads for %d documents", n, len(files))
	}
	perRef := r.simJobsPerRef()
	if len(perRef) != len(files) {
		t.Fatalf("%d client references submitted; want %d", len(perRef), len(files))
	}
	for ref, n := range perRef {
		if n != 1 {
			t.Fatalf("reference %s submitted %d times: a job was claimed twice", ref, n)
		}
	}
	r.assertCompletedOnce(len(files))
}

// failWritesWithJobID makes every write that records a Reducto job id fail
// inside SQLite, as a full disk would, until the returned func is called.
func failWritesWithJobID(t *testing.T, dbPath string) (restore func()) {
	t.Helper()
	// A busy timeout like the store's own: the engine writes meanwhile.
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TRIGGER test_disk_full BEFORE UPDATE ON jobs WHEN NEW.job_id != ''
		BEGIN SELECT RAISE(ABORT, 'database or disk is full (injected)'); END`); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := db.Exec(`DROP TRIGGER test_disk_full`); err != nil {
			t.Fatal(err)
		}
	}
}

// Fault 5: when the write after a submission fails, the job is still
// followed (from memory), the failure is shown, and once the store works
// again the job is recorded, completed once.
func TestFailedWriteAfterSubmissionIsRetriedWhileFollowing(t *testing.T) {
	r := newRig(t, reductotest.Config{JobDuration: func(reductotest.Submission) time.Duration { return 3 * time.Second }}, engine.PollPolicy{})
	restore := failWritesWithJobID(t, r.dbPath)
	sub := r.engine.Subscribe()
	defer sub.Close()
	queued, err := r.engine.Submit(context.Background(), r.files(1), jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var jobID string
	deadline := time.After(30 * time.Second)
	for jobID == "" {
		select {
		case ev := <-sub.C():
			if ev.Job.ID == queued[0].ID && strings.Contains(ev.Note, "could not save") && ev.Job.JobID != "" {
				jobID = ev.Job.JobID
			}
		case <-deadline:
			t.Fatal("the failed write was not surfaced in an event")
		}
	}
	// Followed from memory: the job's end is fetched while the store fails.
	if err := r.sim.WaitForStatus(jobID, reducto.JobCompleted, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := r.sim.WaitFor(30*time.Second, func() bool { return r.sim.Requests("/job/"+jobID) > 0 }); err != nil {
		t.Fatalf("nobody asked Reducto about %s while the store failed: %v", jobID, err)
	}
	if j, _ := r.store.Get(context.Background(), queued[0].ID); j.Status.Final() || j.JobID != "" {
		t.Fatalf("the store recorded %s %q despite the failing disk", j.Status, j.JobID)
	}
	restore()
	waitFor(t, 30*time.Second, "the job recorded once the store works", r.allFinal)
	r.assertCompletedOnce(1)
	if j, _ := r.store.Get(context.Background(), queued[0].ID); j.JobID != jobID {
		t.Fatalf("recorded job id %q, want %q", j.JobID, jobID)
	}
}

// Fault 6: a job deleted at Reducto (409 while deleting, then 410) fails
// with a clear reason instead of being polled for ever.
func TestJobDeletedAtReductoFailsAsGone(t *testing.T) {
	r := newRig(t, reductotest.Config{JobDuration: func(reductotest.Submission) time.Duration { return time.Hour }}, engine.PollPolicy{})
	queued, err := r.engine.Submit(context.Background(), r.files(1), jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	jobID := r.waitSubmitted(queued[0].ID)
	if !r.sim.DeleteJob(jobID) {
		t.Fatal("simulator did not delete the job")
	}
	waitFor(t, 30*time.Second, "the deleted job to fail", r.allFinal)
	j, _ := r.store.Get(context.Background(), queued[0].ID)
	if j.Status != jobs.StatusFailed || !strings.Contains(j.Error, "no longer knows") {
		t.Fatalf("job = %s %q", j.Status, j.Error)
	}
}

// Fault 6: the lookup before a resend pages GET /jobs until it is past the
// job's own creation time, however many newer jobs there are.
func TestLookupFindsSubmissionBehindManyNewerJobs(t *testing.T) {
	r := newRig(t, reductotest.Config{JobDuration: func(reductotest.Submission) time.Duration { return 30 * time.Second }}, engine.PollPolicy{})
	files := r.files(1)
	r.close()
	st, e := r.startEngine(engine.PollPolicy{})
	e.Close()
	ctx := context.Background()
	created, err := st.Create(ctx, []jobs.Job{{File: files[0], Kind: jobs.KindParse, ClientRef: "lost-answer", Size: 20}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Update(ctx, created[0].ID, jobs.StatusUploading, store.Patch{Detail: "uploading"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// The submission reached Reducto before the app died...
	meta, _ := json.Marshal(map[string]string{engine.RefKey: "lost-answer"})
	if _, err := r.client.ParseAsync(ctx, reducto.ParseRequest{Input: "https://example.com/ours.pdf", Async: &reducto.AsyncConfig{Metadata: meta}}); err != nil {
		t.Fatal(err)
	}
	// ...and 2,100 other jobs were submitted after it.
	for i := range 2100 {
		if _, err := r.client.ParseAsync(ctx, reducto.ParseRequest{Input: fmt.Sprintf("https://example.com/other-%d.pdf", i)}); err != nil {
			t.Fatal(err)
		}
	}
	r.open(engine.PollPolicy{})
	waitFor(t, 60*time.Second, "the job final", r.allFinal)
	if n := len(r.sim.JobsWithMetadata(engine.RefKey, "lost-answer")); n != 1 {
		t.Fatalf("the document became %d jobs at Reducto", n)
	}
	if n := r.sim.Requests("/upload"); n != 0 {
		t.Fatalf("%d uploads of a document Reducto already had", n)
	}
}

// Fault 6: the newer error object {code, name, message} of a failed job is
// its failure reason in the history.
func TestErrorObjectBecomesFailureReason(t *testing.T) {
	r := newRig(t, reductotest.Config{ErrorObjects: true, Outcome: reductotest.FailNamesContaining("doc-000")}, engine.PollPolicy{})
	if _, err := r.engine.Submit(context.Background(), r.files(1), jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the job final", r.allFinal)
	j := r.jobs()[0]
	if j.Status != jobs.StatusFailed || j.Error == "" || strings.Contains(j.Error, "without a reason") {
		t.Fatalf("job = %s %q; want failed with Reducto's message", j.Status, j.Error)
	}
}
