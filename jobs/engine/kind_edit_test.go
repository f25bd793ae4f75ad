package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/outputs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// formDoc writes a blank AcroForm with fields Name and City as name in
// the rig's folder "in".
func (r *rig) formDoc(name string) string {
	r.t.Helper()
	pdf, err := reductotest.FormPDF("Registration", "Name", "City")
	if err != nil {
		r.t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(r.dir, "in"), 0o700); err != nil {
		r.t.Fatal(err)
	}
	p := filepath.Join(r.dir, "in", name)
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		r.t.Fatal(err)
	}
	return p
}

// filledValues reads a PDF's text fields by name.
func filledValues(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	v, err := reductotest.FormValues(pdf)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var editOpts = jobs.Options{Kind: jobs.KindEdit, Outputs: jobs.OutputsBeside,
	Edit: jobs.EditOptions{Instructions: "Name: Ada Lovelace\nCity: London"}}

// TestEditKeepsTheFilledDocumentAndWritesItBeside: an edit is sent in the
// legacy shape with its client reference in webhook.metadata (mode
// disabled, as no notification was asked for), followed by polling; on
// completion the filled document is downloaded, kept in the history, and
// written as form.edit.pdf beside form.pdf.
func TestEditKeepsTheFilledDocumentAndWritesItBeside(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	doc := r.formDoc("form.pdf")
	job := r.submitOne(doc, editOpts)
	j := r.waitOutputs(job.ID)
	if j.Status != jobs.StatusCompleted || j.Kind != jobs.KindEdit {
		t.Fatalf("job %+v", j)
	}
	want := outputs.Names(doc, jobs.KindEdit)
	if !reflect.DeepEqual(j.Outputs, want) || filepath.Base(want[0]) != "form.edit.pdf" {
		t.Fatalf("outputs %q, want %q", j.Outputs, want)
	}
	kept, err := r.store.Document(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := filledValues(t, kept); got["Name"] != "Ada Lovelace" || got["City"] != "London" {
		t.Errorf("kept document's fields = %v", got)
	}
	beside, err := os.ReadFile(want[0])
	if err != nil || !bytes.Equal(beside, kept) {
		t.Errorf("form.edit.pdf differs from the kept document (%v)", err)
	}
	sims := r.sim.Jobs()
	if len(sims) != 1 {
		t.Fatalf("%d jobs at the simulator", len(sims))
	}
	var body struct {
		DocumentURL string `json:"document_url"`
		Webhook     struct {
			Mode     string          `json:"mode"`
			Metadata json.RawMessage `json:"metadata"`
		} `json:"webhook"`
	}
	if err := json.Unmarshal([]byte(sims[0].RawConfig), &body); err != nil {
		t.Fatal(err)
	}
	if body.Webhook.Mode != "disabled" || refOf(body.Webhook.Metadata) != j.ClientRef || body.DocumentURL == "" {
		t.Errorf("submitted %s", sims[0].RawConfig)
	}
}

// TestEditLostAnswerIsFoundByItsReference: the answer to /edit_async is
// lost after the job was created; the engine finds it in GET /jobs by the
// reference in webhook.metadata instead of submitting the form twice.
func TestEditLostAnswerIsFoundByItsReference(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	r.sim.Inject(reductotest.Fault{PathPrefix: "/edit_async", Count: 1, Drop: reductotest.DropAfter})
	job := r.submitOne(r.formDoc("form.pdf"), editOpts)
	waitFor(t, 30*time.Second, "the job final", r.allFinal)
	r.assertCompletedOnce(1)
	if n := r.sim.Requests("/edit_async"); n != 1 {
		t.Errorf("%d submissions sent, want the one whose answer was lost", n)
	}
	if _, err := r.store.Document(context.Background(), job.ID); err != nil {
		t.Errorf("no filled document kept: %v", err)
	}
}

// TestEditSvixWebhookFinishesIt: in Svix mode the webhook (its metadata
// the edit's webhook.metadata) finishes the job like any other kind's.
func TestEditSvixWebhookFinishesIt(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	opts := editOpts
	opts.Webhook, opts.Outputs = jobs.WebhookSvix, ""
	job := r.submitOne(r.formDoc("form.pdf"), opts)
	jobID := r.waitSubmitted(job.ID)
	if err := r.sim.WaitForStatus(jobID, "Completed", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	ji, _ := r.sim.Job(jobID)
	if ji.Webhook == nil || ji.Webhook.Mode != "svix" || refOf(ji.Metadata) != job.ClientRef {
		t.Fatalf("simulator job %+v", ji)
	}
	if err := r.engine.HandleWebhook(context.Background(), jobs.Delivery{JobID: jobID, Status: "Completed", Metadata: ji.Metadata, Source: jobs.WebhookSvix}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "completion", r.allFinal)
	if r.completions(job.ID) != 1 {
		t.Fatal("not completed once")
	}
	if _, err := r.store.Document(context.Background(), job.ID); err != nil {
		t.Errorf("no filled document kept: %v", err)
	}
}
