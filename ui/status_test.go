package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// News leaves the status line after a while ("Queued 7 parse job(s)" stayed
// for minutes on every tab); an error is not prefixed twice and is shown
// in the error colour, not the accent; a newer message is not cleared by
// the older one's timer.
func TestStatusLineClearsAndSaysErrorsOnce(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	news, problem := statusNewsFor, statusProblemFor
	statusNewsFor, statusProblemFor = 50*time.Millisecond, 400*time.Millisecond
	t.Cleanup(func() { statusNewsFor, statusProblemFor = news, problem })

	r.onMain(func() {
		if r.u.status.Visible() {
			t.Error("an empty status line takes a band under every tab")
		}
		r.u.setStatus("Queued 7 parse job(s)")
		if !r.u.status.Visible() {
			t.Error("a message is not shown")
		}
	})
	r.eventually("the news cleared", func() bool { return r.u.status.Text == "" && !r.u.status.Visible() })

	r.onMain(func() {
		r.u.showError("Replay", errors.New("replay: no forward targets"))
		if got := r.u.status.Text; got != "Replay: no forward targets" {
			t.Errorf("error line %q", got)
		}
		if r.u.status.Importance != widget.DangerImportance {
			t.Errorf("error shown with importance %v", r.u.status.Importance)
		}
	})
	time.Sleep(100 * time.Millisecond) // longer than news is kept: the error stays
	r.onMain(func() {
		if r.u.status.Text == "" {
			t.Error("an error went as fast as news")
		}
		r.u.setStatus("Saved")
	})
	r.eventually("the newer message cleared", func() bool { return r.u.status.Text == "" })
	r.onMain(func() {
		if r.u.status.Importance != widget.MediumImportance {
			t.Errorf("cleared line keeps importance %v", r.u.status.Importance)
		}
	})
}

// A hand-off with good and bad files (what the core passes on from a
// launch): the good ones are submitted and the window names each refused
// file and why.
func TestOpenFilesNamesEachRefusedFile(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	good := r.files("a.pdf")
	empty := filepath.Join(r.dir, "empty.pdf")
	prog := filepath.Join(r.dir, "setup.pdf")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prog, []byte("MZ\x90\x00 a program"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.u.OpenFiles(append(good, empty, prog))
	r.eventually("the good file queued", func() bool { return r.count(jobs.Query{}) == 1 })
	r.eventually("each refused file named", func() bool {
		text := r.u.status.Text
		return strings.Contains(text, "Queued 1") && strings.Contains(text, "empty.pdf: is empty") && strings.Contains(text, "setup.pdf: not a document")
	})
	r.onMain(func() {
		if r.u.status.Importance != widget.WarningImportance {
			t.Errorf("refusals shown with importance %v", r.u.status.Importance)
		}
	})
}
