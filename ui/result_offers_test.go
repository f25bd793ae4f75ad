package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// remedyButton is the remedy's button whose label starts with prefix.
func remedyButton(d *DetailView, prefix string) *widget.Button {
	for _, o := range d.Remedy.Objects {
		if b, ok := o.(*widget.Button); ok && b.Visible() && strings.HasPrefix(b.Text, prefix) {
			return b
		}
	}
	return nil
}

// completedParse drops name and waits for its parse to complete.
func completedParse(t *testing.T, r *rig, name string) jobs.Job {
	t.Helper()
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files(name))) })
	var done jobs.Job
	r.eventually("the completed parse", func() bool {
		js, err := r.engine.List(t.Context(), jobs.Query{})
		if err != nil || len(js) == 0 {
			return false
		}
		done = js[0]
		return done.Status == jobs.StatusCompleted
	})
	return done
}

func TestExpiredParseOffersUploadAgainAndWaitsForYes(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	if _, ok := r.u.be.(Chainer); !ok {
		t.Skip("the engine does not chain")
	}
	parent := completedParse(t, r, "doc.pdf")
	uploads := r.sim.Requests("/upload")
	// Reducto forgets the parse; the extract chained on it then fails.
	if !r.sim.ExpireJob(parent.JobID) {
		t.Fatal("the simulator did not expire the parse")
	}
	opts := jobs.Options{Kind: jobs.KindExtract, Extract: jobs.ExtractOptions{Schema: []byte(`{"type":"object","properties":{"total":{"type":"number"}}}`)}}
	child, err := r.engine.Chain(t.Context(), parent.ID, opts)
	if err != nil {
		t.Fatal(err)
	}
	d := r.u.detail
	r.onMain(func() { r.u.ShowJob(child.ID) })
	var again *widget.Button
	r.eventually("the offer to upload again", func() bool {
		again = remedyButton(d, "Upload doc.pdf again")
		return d.job.ID == child.ID && d.job.Failure() == jobs.FailureParseExpired && again != nil
	})
	r.onMain(func() {
		if !d.Remedy.Visible() || !strings.Contains(strings.Join(rendered(d.Remedy), " "), "no longer has the parse") {
			t.Errorf("remedy says %q", rendered(d.Remedy))
		}
		test.Tap(again)
		if d.prompt == nil || d.prompt.Password != nil {
			t.Fatalf("no confirmation asked: %+v", d.prompt)
		}
	})
	// Asked, not answered: nothing is uploaded or submitted.
	if n := r.count(jobs.Query{}); n != 2 {
		t.Fatalf("%d jobs before the answer, want the parse and the failed extract", n)
	}
	if n := r.sim.Requests("/upload"); n != uploads {
		t.Fatalf("%d uploads before the answer, want %d", n, uploads)
	}
	// "No" leaves it so; "Upload" submits the document with the extract.
	r.onMain(func() { d.prompt.Answer(false) })
	if n := r.count(jobs.Query{}); n != 2 || r.sim.Requests("/upload") != uploads {
		t.Fatalf("declining submitted something: %d jobs", n)
	}
	r.onMain(func() {
		test.Tap(again)
		d.prompt.Answer(true)
	})
	r.eventually("the extract uploaded again and done", func() bool {
		return d.job.ID != child.ID && d.job.Kind == jobs.KindExtract && d.job.Status == jobs.StatusCompleted
	})
	if r.sim.Requests("/upload") <= uploads {
		t.Fatal("the document was not uploaded again")
	}
	var got jobs.Job
	r.onMain(func() { got = d.job }) // a reload of the shown job writes it there
	if got.ParentID != 0 || got.Options.From != "" {
		t.Fatalf("the new extract still names the expired parse: %+v", got)
	}
}

func TestPasswordPromptResubmitsAndStoresNothing(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	if _, ok := r.u.be.(Chainer); !ok {
		t.Skip("the engine takes no password")
	}
	const secret = reductotest.SandboxPassword
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("statement-locked.pdf"))) })
	var first jobs.Job
	r.eventually("the job refused for its password", func() bool {
		js, err := r.engine.List(t.Context(), jobs.Query{})
		if err != nil || len(js) == 0 {
			return false
		}
		first = js[0]
		return first.Failure() == jobs.FailurePasswordRequired
	})
	d := r.u.detail
	r.onMain(func() { r.u.ShowJob(first.ID) })
	var enter *widget.Button
	r.eventually("the password prompt offered", func() bool {
		enter = remedyButton(d, "Enter password")
		return d.job.ID == first.ID && enter != nil
	})
	r.onMain(func() {
		test.Tap(enter)
		if d.prompt == nil || d.prompt.Password == nil {
			t.Fatal("no password field")
		}
		test.Type(d.prompt.Password, secret)
		d.prompt.Answer(true)
		if d.prompt != nil {
			t.Error("the prompt stayed open")
		}
	})
	r.eventually("the resubmission completed", func() bool {
		return d.job.ID != first.ID && d.job.Status == jobs.StatusCompleted
	})
	// The password travelled once, in memory: not in the history's files
	// (database, WAL, settings), nor in any job's stored options.
	ents, err := os.ReadDir(r.home)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(r.home, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		// As a JSON value, or as a request's field (the API's error
		// text names the setting; that is not the password).
		if i := max(bytes.Index(b, []byte(`"`+secret+`"`)), bytes.Index(b, []byte(`"document_password":`))); i >= 0 {
			t.Errorf("%s holds the password: %q", e.Name(), b[max(i-100, 0):min(i+60, len(b))])
		}
	}
}
