package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

var totalsSchema = json.RawMessage(`{"type":"object","properties":{"total":{"type":"number"}}}`)

func extractOpts() jobs.Options {
	return jobs.Options{Kind: jobs.KindExtract, Extract: jobs.ExtractOptions{Schema: totalsSchema}}
}

// completedParse submits one document for parsing and waits for it.
func (r *rig) completedParse(opts jobs.Options) jobs.Job {
	r.t.Helper()
	opts.Kind = jobs.KindParse
	queued, err := r.engine.Submit(context.Background(), r.files(1), opts)
	if err != nil {
		r.t.Fatalf("submit parse: %v", err)
	}
	return r.waitFinal(queued[0].ID)
}

// waitFinal waits for job id to be final and returns it.
func (r *rig) waitFinal(id int64) jobs.Job {
	r.t.Helper()
	var j jobs.Job
	waitFor(r.t, 30*time.Second, "a final job", func() bool {
		var err error
		j, err = r.store.Get(context.Background(), id)
		return err == nil && j.Status.Final()
	})
	return j
}

func TestChainedExtractSendsJobIDAndUploadsNothing(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	parent := r.completedParse(jobs.Options{})
	uploads, parses := r.sim.Requests("/upload"), r.sim.Requests("/parse_async")

	child, err := r.engine.Chain(context.Background(), parent.ID, extractOpts())
	if err != nil {
		t.Fatal(err)
	}
	done := r.waitFinal(child.ID)
	if done.Status != jobs.StatusCompleted || done.ParentID != parent.ID || done.Source != jobs.SourceChain || done.File != parent.File {
		t.Fatalf("chained job = %+v", done)
	}
	if done.Credits == nil || done.Pages == 0 {
		t.Fatalf("extract usage not read: pages %d credits %v", done.Pages, done.Credits)
	}
	if got := r.sim.Requests("/upload"); got != uploads {
		t.Fatalf("%d uploads for a chained job, want none", got-uploads)
	}
	if got := r.sim.Requests("/parse_async"); got != parses {
		t.Fatalf("the document was parsed again")
	}
	sj, ok := r.sim.Job(done.JobID)
	if !ok || sj.Input != "jobid://"+parent.JobID || sj.Kind != "extract" || strings.Contains(sj.RawConfig, `"parsing"`) {
		t.Fatalf("request at Reducto: input %q kind %q body %s", sj.Input, sj.Kind, sj.RawConfig)
	}
	kids, err := r.engine.Children(context.Background(), parent.ID)
	if err != nil || len(kids) != 1 || kids[0].ID != child.ID {
		t.Fatalf("children of the parse = %v, %v", kids, err)
	}
	// A Reducto id of this history's parse links the same way.
	again, err := r.engine.ChainJobID(context.Background(), "jobid://"+parent.JobID, extractOpts())
	if err != nil || again.ParentID != parent.ID || again.File != parent.File {
		t.Fatalf("chain by Reducto id = %+v, %v", again, err)
	}
	r.waitFinal(again.ID)
}

func TestChainOnAForeignParseHasNoDocument(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	// Another install's (or Studio's) parse: Reducto has it, we do not.
	foreign, err := r.client.ParseAsync(context.Background(), reducto.ParseRequest{Input: "https://example.com/a.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.sim.WaitForStatus(foreign, reducto.JobCompleted, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	opts := extractOpts()
	opts.Outputs = jobs.OutputsBeside
	child, err := r.engine.ChainJobID(context.Background(), foreign, opts)
	if err != nil {
		t.Fatal(err)
	}
	done := r.waitFinal(child.ID)
	if done.Status != jobs.StatusCompleted || done.ParentID != 0 || done.Options.From != foreign ||
		done.File != "jobid://"+foreign || done.Options.Outputs != jobs.OutputsNone {
		t.Fatalf("chained on a foreign parse: %+v", done)
	}
}

func TestChainOnAnExpiredParseSaysSoAndResubmitsNothing(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	parent := r.completedParse(jobs.Options{})
	r.sim.ExpireJob(parent.JobID)
	uploads, parses := r.sim.Requests("/upload"), r.sim.Requests("/parse_async")

	child, err := r.engine.Chain(context.Background(), parent.ID, extractOpts())
	if err != nil {
		t.Fatal(err)
	}
	done := r.waitFinal(child.ID)
	if done.Status != jobs.StatusFailed || done.Failure() != jobs.FailureParseExpired || !strings.Contains(done.Error, parent.JobID) {
		t.Fatalf("chained on an expired parse: %s %q (kind %q)", done.Status, done.Error, done.Failure())
	}
	if r.sim.Requests("/upload") != uploads || r.sim.Requests("/parse_async") != parses {
		t.Fatal("the document was uploaded or parsed again without being asked")
	}
	if len(r.jobs()) != 2 {
		t.Fatalf("%d jobs, want the parse and the failed extract only", len(r.jobs()))
	}
}

func TestChainRefusesWhatCannotRunOnAParse(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	parent := r.completedParse(jobs.Options{})
	if _, err := r.engine.Chain(context.Background(), parent.ID, jobs.Options{Kind: jobs.KindParse}); err == nil {
		t.Fatal("a parse chained on a parse")
	}
	child, _ := r.engine.Chain(context.Background(), parent.ID, extractOpts())
	r.waitFinal(child.ID)
	if _, err := r.engine.Chain(context.Background(), child.ID, extractOpts()); err == nil {
		t.Fatal("chained on an extract")
	}
}

func TestThenPresetRunsOnceWhenTheParseCompletes(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	var mu sync.Mutex
	asked := 0
	r.engine.SetThenResolver(func(name string, _ jobs.Job) (jobs.Options, error) {
		mu.Lock()
		asked++
		mu.Unlock()
		if name != "totals" {
			t.Errorf("then resolved %q", name)
		}
		return extractOpts(), nil
	})
	parent := r.completedParse(jobs.Options{Then: "totals", Outputs: jobs.OutputsBeside, Source: jobs.SourceWatch})
	var kids []jobs.Job
	waitFor(t, 30*time.Second, "the chained extract to finish", func() bool {
		var err error
		kids, err = r.store.Children(context.Background(), parent.ID)
		return err == nil && len(kids) == 1 && kids[0].Status.Final()
	})
	k := kids[0]
	if k.Kind != jobs.KindExtract || k.Preset != "totals" || k.Source != jobs.SourceChain || k.Options.Outputs != jobs.OutputsBeside || k.Status != jobs.StatusCompleted {
		t.Fatalf("chained job = %+v", k)
	}
	sj, _ := r.sim.Job(k.JobID)
	if sj.Input != "jobid://"+parent.JobID {
		t.Fatalf("then input %q", sj.Input)
	}
	// Outputs beside for both: the parse's and the extract's files.
	waitFor(t, 30*time.Second, "outputs of the extract", func() bool {
		j, _ := r.store.Get(context.Background(), k.ID)
		return len(j.Outputs) == 1 && strings.HasSuffix(j.Outputs[0], ".extract.json")
	})
	// A restart that sees the parse's completion again chains nothing more.
	r.close()
	r.open(engine.PollPolicy{})
	r.engine.SetThenResolver(func(string, jobs.Job) (jobs.Options, error) { return extractOpts(), nil })
	if kids, _ := r.store.Children(context.Background(), parent.ID); len(kids) != 1 {
		t.Fatalf("%d chained jobs after a restart", len(kids))
	}
	mu.Lock()
	defer mu.Unlock()
	if asked != 1 {
		t.Fatalf("then resolved %d times", asked)
	}
}

// syncBuffer is a log destination safe for the engine's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestPasswordFlowNeverStoresThePassword(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	r.close()
	var logs syncBuffer
	st, err := store.Open(r.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	e := engine.New(engine.Config{Client: r.client, Store: st, Clock: r.clk,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.store, r.engine = st, e

	doc := filepath.Join(r.dir, "statement-locked.pdf")
	if err := os.WriteFile(doc, []byte("%PDF-1.7 protected"), 0o600); err != nil {
		t.Fatal(err)
	}
	queued, err := e.Submit(context.Background(), []string{doc}, jobs.Options{Kind: jobs.KindParse})
	if err != nil {
		t.Fatal(err)
	}
	first := r.waitFinal(queued[0].ID)
	if first.Failure() != jobs.FailurePasswordRequired {
		t.Fatalf("locked document: %s %q, want password required", first.Status, first.Error)
	}
	if _, err := e.SubmitWithPassword(context.Background(), first.ID, ""); err == nil {
		t.Fatal("an empty password was sent")
	}
	const wrong = "Wr0ng-pa55-xyzzy"
	second, err := e.SubmitWithPassword(context.Background(), first.ID, wrong)
	if err != nil {
		t.Fatal(err)
	}
	second = r.waitFinal(second.ID)
	if second.Failure() != jobs.FailurePasswordRequired || !strings.Contains(second.Error, "did not accept") || second.RetryOf != first.ID {
		t.Fatalf("wrong password: %q", second.Error)
	}
	third, err := e.SubmitWithPassword(context.Background(), second.ID, reductotest.SandboxPassword)
	if err != nil {
		t.Fatal(err)
	}
	if third = r.waitFinal(third.ID); third.Status != jobs.StatusCompleted {
		t.Fatalf("right password: %s %q", third.Status, third.Error)
	}
	if _, err := e.SubmitWithPassword(context.Background(), third.ID, "x"); err == nil {
		t.Fatal("a completed job resubmitted with a password")
	}
	r.close()

	for _, pw := range []string{wrong, reductotest.SandboxPassword} {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			b, err := os.ReadFile(r.dbPath + suffix)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(pw)) {
				t.Fatalf("the password %q is in %s", pw, filepath.Base(r.dbPath+suffix))
			}
		}
		if strings.Contains(logs.String(), pw) {
			t.Fatalf("the password %q is in the log", pw)
		}
	}
	if !strings.Contains(logs.String(), "job finished") {
		t.Fatal("the log recorded nothing: the check above proves nothing")
	}
}

func TestFailedJobFormsAreTypedToo(t *testing.T) {
	// Reducto may also accept the submission and fail the job: the reason
	// (or the error object's code) says the same as the HTTP answer would.
	r := newRig(t, reductotest.Config{ErrorObjects: true}, engine.PollPolicy{})
	r.sim.FailNext("PDF is password protected: provide settings.document_password")
	locked := r.completedParse(jobs.Options{})
	if locked.Failure() != jobs.FailurePasswordRequired {
		t.Fatalf("failed for a password: %q (kind %q)", locked.Error, locked.Failure())
	}
	parent := r.completedParse(jobs.Options{})
	r.sim.FailNext("Job " + parent.JobID + " not found")
	child, err := r.engine.Chain(context.Background(), parent.ID, extractOpts())
	if err != nil {
		t.Fatal(err)
	}
	if done := r.waitFinal(child.ID); done.Failure() != jobs.FailureParseExpired {
		t.Fatalf("chained job failed for its parse: %q (kind %q)", done.Error, done.Failure())
	}
	// An ordinary failure stays untyped.
	r.sim.FailNext("the document could not be read")
	if plain := r.completedParse(jobs.Options{}); plain.Failure() != jobs.FailureNone || plain.Error != "the document could not be read" {
		t.Fatalf("plain failure: %q (kind %q)", plain.Error, plain.Failure())
	}
}

func TestThenMissedByAStopRunsOnTheNextStart(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	// No resolver: the parse completes and its then is not submitted, as
	// when the app stops right after recording the completion.
	parent := r.completedParse(jobs.Options{Then: "totals"})
	if kids, _ := r.store.Children(context.Background(), parent.ID); len(kids) != 0 {
		t.Fatalf("chained without a resolver: %v", kids)
	}
	r.close()
	st, err := store.Open(r.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	e := engine.New(engine.Config{Client: r.client, Store: st, Clock: r.clk,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	e.SetThenResolver(func(string, jobs.Job) (jobs.Options, error) { return extractOpts(), nil })
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.store, r.engine = st, e
	waitFor(t, 30*time.Second, "the missed then", func() bool {
		kids, err := st.Children(context.Background(), parent.ID)
		return err == nil && len(kids) == 1 && kids[0].Preset == "totals"
	})
}
