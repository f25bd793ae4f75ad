package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/outputs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// document writes a PDF of about kb KiB (the simulator gives one page per
// 60 KiB) in folder dir under r's temp folder, and returns its path.
func (r *rig) document(dir, name string, kb int) string {
	r.t.Helper()
	folder := filepath.Join(r.dir, dir)
	if err := os.MkdirAll(folder, 0o700); err != nil {
		r.t.Fatal(err)
	}
	p := filepath.Join(folder, name)
	body := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), kb<<10)...)
	if err := os.WriteFile(p, body, 0o600); err != nil {
		r.t.Fatal(err)
	}
	return p
}

// submitOne submits doc alone and returns its job.
func (r *rig) submitOne(doc string, opts jobs.Options) jobs.Job {
	r.t.Helper()
	queued, err := r.engine.Submit(context.Background(), []string{doc}, opts)
	if err != nil || len(queued) != 1 {
		r.t.Fatalf("submit %s: %v", doc, err)
	}
	return queued[0]
}

// waitOutputs waits until job id has its outputs recorded and returns it.
func (r *rig) waitOutputs(id int64) jobs.Job {
	r.t.Helper()
	var j jobs.Job
	waitFor(r.t, 30*time.Second, "outputs recorded", func() bool {
		j, _ = r.store.Get(context.Background(), id)
		return len(j.Outputs) > 0
	})
	return j
}

var beside = jobs.Options{Kind: jobs.KindParse, Outputs: jobs.OutputsBeside}

func TestCompletedJobWritesItsResultsBesideTheDocument(t *testing.T) {
	// URL-form results: the .json must hold the downloaded chunks.
	r := newRig(t, reductotest.Config{URLResults: true}, engine.PollPolicy{})
	sub := r.engine.Subscribe()
	defer sub.Close()
	doc := r.document("in", "invoice.pdf", 130) // three pages
	plain := r.document("in", "plain.pdf", 1)
	job := r.submitOne(doc, beside)
	other := r.submitOne(plain, jobs.Options{Kind: jobs.KindParse})

	j := r.waitOutputs(job.ID)
	want := outputs.Names(doc, jobs.KindParse)
	if !reflect.DeepEqual(j.Outputs, want) {
		t.Fatalf("outputs %q, want %q", j.Outputs, want)
	}
	md, err := os.ReadFile(want[0])
	if err != nil {
		t.Fatal(err)
	}
	i1, i2, i3 := bytes.Index(md, []byte("Page 1 of")), bytes.Index(md, []byte("Page 2 of")), bytes.Index(md, []byte("Page 3 of"))
	if i1 < 0 || i2 < i1 || i3 < i2 {
		t.Fatalf("markdown pages not all there in order (%d, %d, %d):\n%s", i1, i2, i3, md)
	}
	stored, err := r.store.Result(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(want[1])
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if json.Unmarshal(written, &a) != nil || json.Unmarshal(stored, &b) != nil || !reflect.DeepEqual(a, b) {
		t.Fatalf("parse.json is not the stored result:\n%.300s", written)
	}
	if bytes.Contains(written, []byte(`"type": "url"`)) || !bytes.Contains(written, []byte(`"chunks"`)) {
		t.Fatalf("parse.json holds an unresolved URL result:\n%.300s", written)
	}

	// Subscribers (the UI, jobs --json) hear of the outputs.
	deadline := time.After(10 * time.Second)
	for seen := false; !seen; {
		select {
		case ev := <-sub.C():
			seen = ev.Kind == jobs.EventChanged && ev.Job.ID == job.ID && len(ev.Job.Outputs) == 2
		case <-deadline:
			t.Fatal("no EventChanged carrying the outputs")
		}
	}

	// A job without the rule writes nothing.
	waitFor(t, 30*time.Second, "the other job", func() bool {
		o, _ := r.store.Get(context.Background(), other.ID)
		return o.Status.Final()
	})
	for _, p := range outputs.Names(plain, jobs.KindParse) {
		if _, err := os.Stat(p); err == nil {
			t.Fatalf("%s written for a job without outputs beside", p)
		}
	}
}

func TestReprocessingReplacesOwnOutputsButNotAnEditedOne(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	doc := r.document("in", "invoice.pdf", 1)
	want := outputs.Names(doc, jobs.KindParse)

	first := r.waitOutputs(r.submitOne(doc, beside).ID)
	second := r.waitOutputs(r.submitOne(doc, beside).ID)
	if !reflect.DeepEqual(first.Outputs, want) || !reflect.DeepEqual(second.Outputs, want) {
		t.Fatalf("outputs %q then %q, want the same names %q (the app's own replaced)", first.Outputs, second.Outputs, want)
	}

	// The user edits the markdown: it is theirs now.
	if err := os.WriteFile(want[0], []byte("my annotated copy"), 0o600); err != nil {
		t.Fatal(err)
	}
	third := r.waitOutputs(r.submitOne(doc, beside).ID)
	dir := filepath.Dir(doc)
	if w := []string{filepath.Join(dir, "invoice (2).parse.md"), filepath.Join(dir, "invoice (2).parse.json")}; !reflect.DeepEqual(third.Outputs, w) {
		t.Fatalf("outputs %q, want %q", third.Outputs, w)
	}
	if b, _ := os.ReadFile(want[0]); string(b) != "my annotated copy" {
		t.Fatalf("the edited file was overwritten: %q", b)
	}

	// Another document with the same stem never takes invoice.pdf's files.
	docx := filepath.Join(dir, "invoice.docx")
	if err := os.Rename(r.document("other", "invoice.docx", 1), docx); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want[0], []byte("x"), 0o600); err != nil { // back to a file the app never wrote
		t.Fatal(err)
	}
	got, err := r.engine.WriteOutputsFor(context.Background(), second.ID, docx)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(got[1]) == "invoice.parse.json" || filepath.Base(got[1]) == "invoice (2).parse.json" {
		t.Fatalf("invoice.docx took invoice.pdf's outputs: %q", got)
	}
}

// breakFolder puts a file where dir was (which no write can get past, even
// as root) and returns how to undo it.
func breakFolder(t *testing.T, dir string) (repair func()) {
	t.Helper()
	moved := dir + ".moved"
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := os.Remove(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(moved, dir); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUnwritableFolderKeepsTheResultAndOutputsFollowOnRestart(t *testing.T) {
	r := newRig(t, reductotest.Config{JobDuration: func(reductotest.Submission) time.Duration { return 60 * time.Second }}, engine.PollPolicy{})
	sub := r.engine.Subscribe()
	defer sub.Close()
	doc := r.document("in", "invoice.pdf", 1)
	job := r.submitOne(doc, beside)
	r.waitSubmitted(job.ID)
	repair := breakFolder(t, filepath.Dir(doc))

	deadline := time.After(30 * time.Second)
	for noted := false; !noted; {
		select {
		case ev := <-sub.C():
			noted = ev.Job.ID == job.ID && strings.Contains(ev.Note, "results not written beside invoice.pdf")
		case <-deadline:
			t.Fatal("no event Note about the results not written")
		}
	}
	j, err := r.store.Get(context.Background(), job.ID)
	if err != nil || j.Status != jobs.StatusCompleted || len(j.Outputs) != 0 {
		t.Fatalf("job %+v, %v: want completed without outputs", j, err)
	}
	if res, err := r.store.Result(context.Background(), job.ID); err != nil || len(res) == 0 {
		t.Fatalf("result lost: %d bytes, %v", len(res), err)
	}
	timeline, _ := r.store.Timeline(context.Background(), job.ID)
	last := timeline[len(timeline)-1]
	if last.To != jobs.StatusCompleted || !strings.Contains(last.Detail, "results not written beside invoice.pdf") {
		t.Fatalf("last timeline line %+v: want the failed write", last)
	}

	// Restart with the folder back: the results are written then.
	r.close()
	repair()
	r.open(engine.PollPolicy{})
	j = r.waitOutputs(job.ID)
	for _, p := range outputs.Names(doc, jobs.KindParse) {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("after the restart: %v", err)
		}
	}
}

func TestWriteOutputsForWritesAJobsResultsBesideAnotherDocument(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	a := r.document("in", "a.pdf", 1)
	job := r.submitOne(a, jobs.Options{Kind: jobs.KindParse})
	waitFor(t, 30*time.Second, "the job", func() bool {
		j, _ := r.store.Get(context.Background(), job.ID)
		return j.Status == jobs.StatusCompleted
	})
	b := filepath.Join(filepath.Dir(a), "b.pdf")
	if err := os.Link(a, b); err != nil {
		t.Fatal(err)
	}
	want := outputs.Names(b, jobs.KindParse)
	for i := 0; i < 2; i++ { // the second call replaces the first's files
		got, err := r.engine.WriteOutputsFor(context.Background(), job.ID, b)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("call %d: %q, %v; want %q", i+1, got, err, want)
		}
	}
	if md, _ := os.ReadFile(want[0]); !bytes.Contains(md, []byte("Page 1 of a.pdf")) {
		t.Fatalf("b.parse.md does not hold a.pdf's result: %q", md)
	}
	j, _ := r.store.Get(context.Background(), job.ID)
	if !reflect.DeepEqual(j.Outputs, want) {
		t.Fatalf("job outputs %q, want %q", j.Outputs, want)
	}
	if _, err := r.engine.WriteOutputsFor(context.Background(), 9999, b); err == nil {
		t.Fatal("no error for a job that does not exist")
	}
}
