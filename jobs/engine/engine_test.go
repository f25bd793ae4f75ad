package engine_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func refOf(meta json.RawMessage) string {
	var m map[string]any
	_ = json.Unmarshal(meta, &m)
	s, _ := m[engine.RefKey].(string)
	return s
}

func TestFiftyFilesAllComplete(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	sub := r.engine.Subscribe()
	defer sub.Close()
	files := r.files(50)
	queued, err := r.engine.Submit(context.Background(), files, jobs.Options{Kind: jobs.KindParse})
	if err != nil {
		t.Fatal(err)
	}
	if len(queued) != 50 {
		t.Fatalf("queued %d, want 50", len(queued))
	}
	for _, j := range queued {
		if j.Status != jobs.StatusQueued || j.ClientRef == "" {
			t.Fatalf("queued job = %+v", j)
		}
	}
	waitFor(t, 30*time.Second, "all 50 jobs final", r.allFinal)
	for _, j := range r.jobs() {
		if j.Status != jobs.StatusCompleted || j.JobID == "" || j.CompletedAt == nil {
			t.Fatalf("job %d: %s %q err=%q", j.ID, j.Status, j.JobID, j.Error)
		}
		res, err := r.store.Result(context.Background(), j.ID)
		if err != nil || !strings.Contains(string(res), "chunks") {
			t.Fatalf("job %d result: %v %.80s", j.ID, err, res)
		}
	}
	if got := len(r.sim.Jobs()); got != 50 {
		t.Fatalf("simulator has %d jobs, want 50", got)
	}
	// Every job completed exactly once in its history...
	for _, j := range r.jobs() {
		if n := r.completions(j.ID); n != 1 {
			t.Fatalf("job %d has %d completed transitions", j.ID, n)
		}
	}
	// ...and its completion was announced.
	completed := map[int64]int{}
	deadline := time.After(10 * time.Second)
	for len(completed) < 50 {
		select {
		case ev := <-sub.C():
			if ev.Kind == jobs.EventChanged && ev.Job.Status == jobs.StatusCompleted {
				completed[ev.Job.ID]++
			}
		case <-deadline:
			t.Fatalf("saw %d completion events, want 50", len(completed))
		}
	}
	assertOncePerJob(t, completed)
}

func TestKindsAndOptionsReachReducto(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	f := r.files(3)
	ctx := context.Background()
	meta := json.RawMessage(`{"user":"ada"}`)
	if _, err := r.engine.Submit(ctx, f[:1], jobs.Options{Kind: jobs.KindExtract, Metadata: meta, Priority: true,
		Extract: jobs.ExtractOptions{Schema: json.RawMessage(`{"type":"object","properties":{"total":{"type":"number"}}}`)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.engine.Submit(ctx, f[1:2], jobs.Options{Kind: jobs.KindSplit, Webhook: jobs.WebhookSvix, Channels: []string{"prod"},
		Split: jobs.SplitOptions{Descriptions: []jobs.SplitDescription{{Name: "invoice", Description: "an invoice"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.engine.Submit(ctx, f[2:], jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookDirect,
		Parse: jobs.ParseOptions{PageStart: 1, PageEnd: 2, TableFormat: "md"}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "three submissions", func() bool { return len(r.sim.Jobs()) == 3 })
	byKind := map[string]reductotest.JobInfo{}
	for _, j := range r.sim.Jobs() {
		byKind[j.Kind] = j
	}
	ex := byKind["extract"]
	if refOf(ex.Metadata) == "" || !strings.Contains(string(ex.Metadata), `"user":"ada"`) {
		t.Fatalf("extract metadata = %s", ex.Metadata)
	}
	if !strings.Contains(ex.RawConfig, `"schema"`) || !strings.Contains(ex.RawConfig, `"priority":true`) {
		t.Fatalf("extract body = %s", ex.RawConfig)
	}
	sp := byKind["split"]
	if sp.Webhook == nil || sp.Webhook.Mode != "svix" || len(sp.Webhook.Channels) != 1 || sp.Webhook.Channels[0] != "prod" {
		t.Fatalf("split webhook = %+v", sp.Webhook)
	}
	pa := byKind["parse"]
	if pa.Webhook == nil || pa.Webhook.Mode != "direct" || !strings.HasSuffix(pa.Webhook.URL, "/webhooks/direct/token") {
		t.Fatalf("parse webhook = %+v", pa.Webhook)
	}
	if !strings.Contains(pa.RawConfig, `"table_output_format":"md"`) || !strings.Contains(pa.RawConfig, `"page_range"`) {
		t.Fatalf("parse body = %s", pa.RawConfig)
	}
}

func TestSubmitRejectsBadInputBeforeWriting(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	ctx := context.Background()
	f := r.files(1)
	cases := map[string]jobs.Options{
		"metadata array": {Kind: jobs.KindParse, Metadata: json.RawMessage(`[1]`)},
		"bad kind":       {Kind: "summarise"},
		"extract schema": {Kind: jobs.KindExtract, Extract: jobs.ExtractOptions{Schema: json.RawMessage(`not json`)}},
		"split empty":    {Kind: jobs.KindSplit},
		"backwards":      {Kind: jobs.KindParse, Parse: jobs.ParseOptions{PageStart: 5, PageEnd: 2}},
	}
	for name, o := range cases {
		if _, err := r.engine.Submit(ctx, f, o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Missing, empty and folder paths are reported; the good file still goes.
	empty := r.dir + "/empty.pdf"
	if err := writeFile(empty, nil); err != nil {
		t.Fatal(err)
	}
	queued, err := r.engine.Submit(ctx, []string{f[0], r.dir + "/missing.pdf", empty, r.dir}, jobs.Options{})
	if len(queued) != 1 || err == nil {
		t.Fatalf("queued %d, err %v", len(queued), err)
	}
	for _, want := range []string{"missing.pdf", "empty", "folder"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if n := len(r.jobs()); n != 1 {
		t.Fatalf("%d rows written, want 1", n)
	}
}

func TestStormsOf429And5xxCompleteWithoutDuplicates(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	files := r.files(20)
	r.sim.Inject429(15, 50*time.Millisecond)
	r.sim.Inject5xx(10, http.StatusBadGateway)
	r.sim.Inject(reductotest.Fault{PathPrefix: "/job/", Count: 10, Status: http.StatusServiceUnavailable})
	if _, err := r.engine.Submit(context.Background(), files, jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	r.sim.Inject429(20, 20*time.Millisecond)
	waitFor(t, 3*time.Minute, "all jobs final", r.allFinal) // generous: a loaded CI machine
	for _, j := range r.jobs() {
		if j.Status != jobs.StatusCompleted {
			t.Fatalf("job %d %s: %s", j.ID, j.Status, j.Error)
		}
	}
	for ref, n := range r.simJobsPerRef() {
		if n != 1 {
			t.Fatalf("reference %s became %d jobs", ref, n)
		}
	}
	if got := len(r.sim.Jobs()); got != 20 {
		t.Fatalf("simulator has %d jobs, want 20", got)
	}
}

func TestAmbiguousSubmissionIsLookedUpNotRepeated(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	files := r.files(5)
	// Every submission creates its job and then loses the answer.
	r.sim.Inject(reductotest.Fault{PathPrefix: "/parse_async", Count: 5, Drop: reductotest.DropAfter})
	if _, err := r.engine.Submit(context.Background(), files, jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "all jobs final", r.allFinal)
	for _, j := range r.jobs() {
		if j.Status != jobs.StatusCompleted {
			t.Fatalf("job %d %s: %s", j.ID, j.Status, j.Error)
		}
	}
	if got := len(r.sim.Jobs()); got != 5 {
		t.Fatalf("simulator has %d jobs for 5 documents", got)
	}
}

func TestFailedJobKeepsReason(t *testing.T) {
	r := newRig(t, reductotest.Config{Outcome: reductotest.FailNamesContaining("doc-001")}, engine.PollPolicy{})
	if _, err := r.engine.Submit(context.Background(), r.files(2), jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "both final", r.allFinal)
	var failed []jobs.Job
	for _, j := range r.jobs() {
		if j.Status == jobs.StatusFailed {
			failed = append(failed, j)
		}
	}
	if len(failed) != 1 || !strings.HasSuffix(failed[0].File, "doc-001.pdf") || failed[0].Error == "" {
		t.Fatalf("failed jobs = %+v", failed)
	}
}

func TestWebhookAndPollRaceGiveOneCompletion(t *testing.T) {
	// Polling is eager (every 300 ms of simulated time, 3 ms real) while
	// webhooks hammer each job the moment it ends: across ten jobs the
	// poller and the webhooks meet in every order.
	r := newRig(t, reductotest.Config{JobDuration: func(reductotest.Submission) time.Duration { return 2 * time.Second }},
		engine.PollPolicy{First: 300 * time.Millisecond, Max: 300 * time.Millisecond})
	sub := r.engine.Subscribe()
	defer sub.Close()
	queued, err := r.engine.Submit(context.Background(), r.files(10), jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, q := range queued {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jobID := r.waitSubmitted(q.ID)
			if err := r.sim.WaitForStatus(jobID, "Completed", 20*time.Second); err != nil {
				t.Error(err)
				return
			}
			var hooks sync.WaitGroup
			for range 10 {
				hooks.Add(1)
				go func() {
					defer hooks.Done()
					if err := r.engine.HandleWebhook(context.Background(), jobs.Delivery{JobID: jobID, Status: "Completed", Source: jobs.WebhookSvix}); err != nil {
						t.Error(err)
					}
				}()
			}
			hooks.Wait()
		}()
	}
	wg.Wait()
	waitFor(t, 10*time.Second, "completion", r.allFinal)
	for _, q := range queued {
		if n := r.completions(q.ID); n != 1 {
			t.Fatalf("job %d: %d completed transitions", q.ID, n)
		}
	}
	// A late duplicate changes nothing.
	j, _ := r.store.Get(context.Background(), queued[0].ID)
	if err := r.engine.HandleWebhook(context.Background(), jobs.Delivery{JobID: j.JobID, Status: "Completed"}); err != nil {
		t.Fatal(err)
	}
	events := map[int64]int{}
	timeout := time.After(300 * time.Millisecond)
drain:
	for {
		select {
		case ev := <-sub.C():
			if ev.Kind == jobs.EventChanged && ev.Job.Status == jobs.StatusCompleted {
				events[ev.Job.ID]++
			}
		case <-timeout:
			break drain
		}
	}
	if len(events) != 10 {
		t.Fatalf("completion events for %d jobs, want 10", len(events))
	}
	assertOncePerJob(t, events)
}

func TestUnknownWebhookIsReported(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	err := r.engine.HandleWebhook(context.Background(), jobs.Delivery{JobID: "not-ours", Status: "Completed"})
	if err != jobs.ErrUnknownJob {
		t.Fatalf("err = %v, want ErrUnknownJob", err)
	}
	// Another install on the same Svix account: a reference, but not ours.
	err = r.engine.HandleWebhook(context.Background(), jobs.Delivery{JobID: "theirs", Status: "Completed",
		Metadata: json.RawMessage(`{"` + engine.RefKey + `":"someone-else"}`)})
	if err != jobs.ErrUnknownJob {
		t.Fatalf("foreign reference: err = %v, want ErrUnknownJob", err)
	}
}

func TestWebhookModeCompletesByWebhookNotPolling(t *testing.T) {
	// Reconciliation is far away: only the webhook can finish the job.
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{Reconcile: time.Hour})
	queued, err := r.engine.Submit(context.Background(), r.files(1), jobs.Options{Webhook: jobs.WebhookSvix})
	if err != nil {
		t.Fatal(err)
	}
	jobID := r.waitSubmitted(queued[0].ID)
	if err := r.sim.WaitForStatus(jobID, "Completed", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	before := r.sim.Requests("/job/")
	if before != 0 {
		t.Fatalf("webhook-mode job was polled %d times before its end", before)
	}
	if err := r.engine.HandleWebhook(context.Background(), jobs.Delivery{JobID: jobID, Status: "Completed", Source: jobs.WebhookSvix}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "completion", r.allFinal)
	if got := r.sim.Requests("/job/"); got != 1 {
		t.Fatalf("GET /job requests = %d, want exactly 1 (the result fetch)", got)
	}
	timeline, err := r.store.Timeline(context.Background(), queued[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := timeline[len(timeline)-1]; last.To != jobs.StatusCompleted || !strings.Contains(last.Detail, "svix webhook") {
		t.Fatalf("last transition = %+v, want completed by svix webhook", last)
	}
}

func TestJobExpiredWhileClosedFailsClearly(t *testing.T) {
	r := newRig(t, reductotest.Config{JobDuration: func(reductotest.Submission) time.Duration { return time.Hour }}, engine.PollPolicy{})
	queued, err := r.engine.Submit(context.Background(), r.files(1), jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	jobID := r.waitSubmitted(queued[0].ID)
	r.close()
	if !r.sim.ExpireJob(jobID) {
		t.Fatal("simulator did not expire the job")
	}
	r.open(engine.PollPolicy{})
	waitFor(t, 10*time.Second, "the expired job to fail", r.allFinal)
	j, _ := r.store.Get(context.Background(), queued[0].ID)
	if j.Status != jobs.StatusFailed || !strings.Contains(j.Error, "no longer knows") {
		t.Fatalf("job = %s %q", j.Status, j.Error)
	}
}

func TestJobThatEndedWhileClosedIsCollectedOnStart(t *testing.T) {
	r := newRig(t, reductotest.Config{JobDuration: func(reductotest.Submission) time.Duration { return 5 * time.Second }},
		engine.PollPolicy{First: time.Hour, Max: time.Hour})
	queued, err := r.engine.Submit(context.Background(), r.files(1), jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	jobID := r.waitSubmitted(queued[0].ID)
	r.close()
	if err := r.sim.WaitForStatus(jobID, "Completed", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	r.open(engine.PollPolicy{First: time.Hour, Max: time.Hour})
	waitFor(t, 10*time.Second, "the resumed job to complete", r.allFinal)
	if j, _ := r.store.Get(context.Background(), queued[0].ID); j.Status != jobs.StatusCompleted {
		t.Fatalf("job = %s %q", j.Status, j.Error)
	}
}

func TestCancelAndRetry(t *testing.T) {
	r := newRig(t, reductotest.Config{JobDuration: func(reductotest.Submission) time.Duration { return time.Hour }}, engine.PollPolicy{})
	ctx := context.Background()
	queued, err := r.engine.Submit(ctx, r.files(1), jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id := queued[0].ID
	r.waitSubmitted(id)
	if err := r.engine.Cancel(ctx, id); err != nil {
		t.Fatal(err)
	}
	j, _ := r.store.Get(ctx, id)
	if j.Status != jobs.StatusCancelled {
		t.Fatalf("status after cancel = %s", j.Status)
	}
	if info, _ := r.sim.Job(j.JobID); info.Status != "Cancelled" {
		t.Fatalf("simulator status = %s", info.Status)
	}
	if err := r.engine.Cancel(ctx, id); err == nil {
		t.Fatal("cancelling a cancelled job succeeded")
	}
	retry, err := r.engine.Retry(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if retry.RetryOf != id || retry.ID == id || retry.File != j.File {
		t.Fatalf("retry = %+v", retry)
	}
	waitFor(t, 10*time.Second, "retry submitted", func() bool { return len(r.sim.Jobs()) == 2 })
	if _, err := r.engine.Retry(ctx, retry.ID); err == nil {
		t.Fatal("retrying a running job succeeded")
	}
}

func TestCancelBeforeSubmission(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	ctx := context.Background()
	r.engine.SetUploadConcurrency(1)
	// Hold the only upload slot's request at the simulator... by pausing
	// nothing: instead submit many and cancel the last, still queued.
	queued, err := r.engine.Submit(ctx, r.files(30), jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := queued[len(queued)-1].ID
	if err := r.engine.Cancel(ctx, last); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "all final", r.allFinal)
	j, _ := r.store.Get(ctx, last)
	if j.Status != jobs.StatusCancelled || j.JobID != "" {
		t.Fatalf("cancelled job = %s %q", j.Status, j.JobID)
	}
	if got := len(r.sim.Jobs()); got != 29 {
		t.Fatalf("simulator has %d jobs, want 29", got)
	}
}

func TestResumeRunsBesideNewSubmissionsWithoutDoubling(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	files := r.files(6)
	r.close()
	// A job queued by a run that stopped before uploading it.
	store, err := store.Open(r.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Create(context.Background(), []jobs.Job{{File: files[0], Kind: jobs.KindParse, Status: jobs.StatusQueued,
		Webhook: jobs.WebhookNone, ClientRef: "left-over-ref", Size: 1}}); err != nil {
		t.Fatal(err)
	}
	store.Close()

	r.open(engine.PollPolicy{})
	// Submitted while the resume may still be reading the history.
	if _, err := r.engine.Submit(context.Background(), files[1:], jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "all six jobs final", func() bool { return len(r.jobs()) == 6 && r.allFinal() })
	for _, j := range r.jobs() {
		if j.Status != jobs.StatusCompleted {
			t.Fatalf("job %d %s: %s", j.ID, j.Status, j.Error)
		}
	}
	if got := len(r.sim.Jobs()); got != 6 {
		t.Fatalf("simulator has %d jobs for 6 documents", got)
	}
	for ref, n := range r.simJobsPerRef() {
		if n != 1 {
			t.Fatalf("reference %s became %d jobs", ref, n)
		}
	}
}
