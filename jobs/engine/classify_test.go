package engine_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// mailOpts classifies mail: invoices by their word, contracts by theirs,
// anything else a letter (the last category).
func mailOpts() jobs.Options {
	return jobs.Options{Kind: jobs.KindClassify, Classify: jobs.ClassifyOptions{Categories: []jobs.ClassifyCategory{
		{Category: "invoice", Criteria: []string{"invoice"}},
		{Category: "contract", Criteria: []string{"contract"}},
		{Category: "letter"},
	}}}
}

// doc writes a small document named name in the rig's folder.
func (r *rig) doc(name string) string {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	if err := os.WriteFile(p, []byte("%PDF-1.4 "+name), 0o600); err != nil {
		r.t.Fatal(err)
	}
	return p
}

// TestClassifyRunsAsAJob: POST /classify answers at once, yet the document
// is queued, uploaded, retried through a 429 and a 503, and recorded
// completed with its category, Reducto's id, pages and credits — with no
// webhook, no GET /job and no GET /jobs — and scan.classify.json is
// written beside it.
func TestClassifyRunsAsAJob(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	r.sim.Inject429(1, 0)
	r.sim.Inject(reductotest.Fault{PathPrefix: "/classify", Count: 1, Status: http.StatusServiceUnavailable})
	opts := mailOpts()
	opts.Outputs = jobs.OutputsBeside
	opts.Webhook = jobs.WebhookSvix // ignored: nothing to notify about
	queued, err := r.engine.Submit(context.Background(), []string{r.doc("invoice-0042.pdf"), r.doc("scan.pdf")}, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"invoice-0042.pdf": "invoice", "scan.pdf": "letter"}
	for _, q := range queued {
		j := r.waitFinal(q.ID)
		if j.Status != jobs.StatusCompleted || j.Category != want[filepath.Base(j.File)] || j.JobID == "" || j.Pages == 0 || j.Credits == nil {
			t.Fatalf("%s: %+v", filepath.Base(j.File), j)
		}
		res, err := r.store.Result(context.Background(), j.ID)
		if err != nil || !strings.Contains(string(res), `"response_type":"classify"`) {
			t.Fatalf("stored result %s, %v", res, err)
		}
		waitFor(t, 10*time.Second, "outputs", func() bool {
			j, _ = r.store.Get(context.Background(), q.ID)
			return len(j.Outputs) == 1
		})
		if filepath.Base(j.Outputs[0]) != strings.TrimSuffix(filepath.Base(j.File), ".pdf")+".classify.json" {
			t.Fatalf("outputs %v", j.Outputs)
		}
		b, _ := os.ReadFile(j.Outputs[0])
		var payload map[string]string
		if json.Unmarshal(b, &payload) != nil || payload["category"] != want[filepath.Base(j.File)] {
			t.Fatalf("%s holds %s", j.Outputs[0], b)
		}
	}
	if n := r.sim.Requests("/job"); n != 0 {
		t.Errorf("%d GET /job(s) requests for jobs answered at once", n)
	}
	if r.sim.Count429() != 1 || r.sim.CountStatus(http.StatusServiceUnavailable) != 1 {
		t.Errorf("faults: %d 429s, %d 503s; want one each", r.sim.Count429(), r.sim.CountStatus(503))
	}
}

// TestClassifyTimesOut: an answer that does not come within the sync
// timeout fails the job with a clear reason, rather than leaving it
// uploading for ever.
func TestClassifyTimesOut(t *testing.T) {
	r := newRig(t, reductotest.Config{ClassifyDelay: time.Hour}, engine.PollPolicy{})
	r.close()
	r.syncTimeout = 200 * time.Millisecond
	r.open(engine.PollPolicy{})
	queued, err := r.engine.Submit(context.Background(), []string{r.doc("invoice.pdf")}, mailOpts())
	if err != nil {
		t.Fatal(err)
	}
	j := r.waitFinal(queued[0].ID)
	if j.Status != jobs.StatusFailed || !strings.Contains(j.Error, "no answer from Reducto within") {
		t.Fatalf("job = %s %q, want failed for want of an answer", j.Status, j.Error)
	}
}

// TestClassifyInterruptedIsRunAgain: a classify the app stopped in the
// middle of (left uploading) runs again on the next start, without asking
// GET /jobs for an async job that never existed.
func TestClassifyInterruptedIsRunAgain(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	r.close()
	st, err := store.Open(r.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	opts := mailOpts()
	opts.Webhook = jobs.WebhookNone
	created, err := st.Create(context.Background(), []jobs.Job{{File: r.doc("contract.pdf"), Kind: jobs.KindClassify, ClientRef: uuid.NewString(), Options: opts, Size: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.Claim(context.Background(), created[0].ID, "a crashed engine", "uploading"); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	st.Close()
	r.open(engine.PollPolicy{})
	j := r.waitFinal(created[0].ID)
	if j.Status != jobs.StatusCompleted || j.Category != "contract" {
		t.Fatalf("resumed classify = %s %q %q", j.Status, j.Category, j.Error)
	}
	if n := r.sim.Requests("/jobs"); n != 0 {
		t.Errorf("%d GET /jobs lookups for a classify", n)
	}
}

// TestRoutesSendTheDocumentOn: a classify with routes runs its category's
// preset on the document once, as a child (parent the classify, source
// route, the category carried over) whose results land beside the
// document; an extract reuses a completed parse of the same document
// (jobid://, no upload) and otherwise uploads it again; a category
// without a route stops there.
func TestRoutesSendTheDocumentOn(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	r.engine.SetThenResolver(func(name string, _ jobs.Job) (jobs.Options, error) {
		switch name {
		case "invoices":
			return extractOpts(), nil
		case "contracts":
			return jobs.Options{Kind: jobs.KindParse}, nil
		}
		t.Errorf("resolved unknown preset %q", name)
		return jobs.Options{}, os.ErrNotExist
	})
	ctx := context.Background()
	parsed := r.doc("invoice-parsed.pdf")
	pq, err := r.engine.Submit(ctx, []string{parsed}, jobs.Options{Kind: jobs.KindParse})
	if err != nil {
		t.Fatal(err)
	}
	parse := r.waitFinal(pq[0].ID)

	opts := mailOpts()
	opts.Outputs = jobs.OutputsBeside
	opts.Routes = map[string]string{"invoice": "invoices", "contract": "contracts"}
	files := []string{parsed, r.doc("invoice-new.pdf"), r.doc("contract.pdf"), r.doc("letter.pdf")}
	uploads := r.sim.Requests("/upload")
	queued, err := r.engine.Submit(ctx, files, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queued {
		r.waitFinal(q.ID)
	}
	children := map[string]jobs.Job{}
	waitFor(t, 30*time.Second, "the routed jobs", func() bool {
		for _, q := range queued[:3] {
			kids, _ := r.engine.Children(ctx, q.ID)
			if len(kids) != 1 || !kids[0].Status.Final() || (kids[0].Options.Outputs == jobs.OutputsBeside && len(kids[0].Outputs) == 0) {
				return false
			}
			children[filepath.Base(q.File)] = kids[0]
		}
		return true
	})
	for name, c := range children {
		cl, _ := r.store.Get(ctx, c.ParentID)
		if c.Status != jobs.StatusCompleted || c.Source != jobs.SourceRoute || c.Category != cl.Category || c.File != cl.File || c.Options.Outputs != jobs.OutputsBeside {
			t.Errorf("%s routed as %+v", name, c)
		}
	}
	if c := children["invoice-parsed.pdf"]; c.Kind != jobs.KindExtract || c.Options.From != parse.JobID || c.Preset != "invoices" {
		t.Errorf("the parsed invoice's extract ran on %q (kind %s), want jobid of parse %s", c.Options.From, c.Kind, parse.JobID)
	}
	if c := children["invoice-new.pdf"]; c.Kind != jobs.KindExtract || c.Options.From != "" {
		t.Errorf("the new invoice's extract = %+v, want its own upload", c)
	}
	if c := children["contract.pdf"]; c.Kind != jobs.KindParse || c.Category != "contract" || c.Preset != "contracts" {
		t.Errorf("the contract's route = %+v", c)
	}
	// 4 classifies and the 2 routed jobs that had no parse to run on.
	if got := r.sim.Requests("/upload") - uploads; got != 6 {
		t.Errorf("%d uploads, want 6", got)
	}
	if kids, _ := r.engine.Children(ctx, queued[3].ID); len(kids) != 0 {
		t.Errorf("a letter (no route) got children %v", kids)
	}
	out := strings.TrimSuffix(files[1], ".pdf") + ".extract.json"
	if _, err := os.Stat(out); err != nil {
		t.Errorf("the routed extract's result is not beside the document: %v", err)
	}

}

// TestRoutesResumeAfterARestart: a classify recorded completed by a run
// that stopped before routing it is routed by the next start.
func TestRoutesResumeAfterARestart(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	ctx := context.Background()
	opts := mailOpts()
	opts.Routes = map[string]string{"invoice": "invoices"}
	// No resolver yet: the run "stops" before it can route.
	queued, err := r.engine.Submit(ctx, []string{r.doc("invoice.pdf")}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if j := r.waitFinal(queued[0].ID); j.Category != "invoice" {
		t.Fatalf("classify = %+v", j)
	}
	if kids, _ := r.engine.Children(ctx, queued[0].ID); len(kids) != 0 {
		t.Fatalf("routed without a resolver: %v", kids)
	}
	r.close()
	st, err := store.Open(r.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := engine.New(engine.Config{Client: r.client, Store: st, Clock: r.clk})
	defer e.Close()
	e.SetThenResolver(func(string, jobs.Job) (jobs.Options, error) { return extractOpts(), nil })
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the routed extract", func() bool {
		kids, _ := st.Children(ctx, queued[0].ID)
		return len(kids) == 1 && kids[0].Status == jobs.StatusCompleted && kids[0].Source == jobs.SourceRoute && kids[0].Category == "invoice"
	})
}

// TestClassifyCancelledWhileWaiting: cancelling a classify whose answer
// has not come abandons the request at once (nothing lasting exists at
// Reducto) and leaves the job cancelled, not failed by the aborted call.
func TestClassifyCancelledWhileWaiting(t *testing.T) {
	arrived := make(chan struct{}, 1)
	front := func(_ clock.Clock, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.URL.Path == "/classify" {
				arrived <- struct{}{}
			}
			h.ServeHTTP(w, req)
		})
	}
	// An hour of the simulator's time is 36 s of real time: longer than
	// the wait below.
	r := newRigFront(t, reductotest.Config{ClassifyDelay: time.Hour}, engine.PollPolicy{}, front)
	queued, err := r.engine.Submit(context.Background(), []string{r.doc("invoice.pdf")}, mailOpts())
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the classify request never came")
	}
	if err := r.engine.Cancel(context.Background(), queued[0].ID); err != nil {
		t.Fatal(err)
	}
	j := r.waitFinal(queued[0].ID)
	if j.Status != jobs.StatusCancelled || j.Error != "" {
		t.Fatalf("job = %s %q, want cancelled", j.Status, j.Error)
	}
	waitFor(t, 10*time.Second, "the request abandoned", func() bool { return r.sim.Requests("/classify") == 1 })
}

// TestClassifyTakesNoWebhook: a classify submitted with direct webhooks
// and no public URL (a preset's or the defaults' webhook: direct) is not
// refused for a URL it would never use: it runs, recorded with no webhook.
func TestClassifyTakesNoWebhook(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	r.engine.SetDirectWebhookURL("")
	opts := mailOpts()
	opts.Webhook = jobs.WebhookDirect
	queued, err := r.engine.Submit(context.Background(), []string{r.doc("invoice-7.pdf")}, opts)
	if err != nil {
		t.Fatalf("a classify with webhook direct and no public URL refused: %v", err)
	}
	j := r.waitFinal(queued[0].ID)
	if j.Status != jobs.StatusCompleted || j.Webhook != jobs.WebhookNone || j.Category != "invoice" {
		t.Fatalf("%+v", j)
	}
	// An async kind still needs the URL.
	if _, err := r.engine.Submit(context.Background(), []string{r.doc("a.pdf")}, jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookDirect}); err == nil {
		t.Fatal("a parse with webhook direct and no public URL was accepted")
	}
}
