package ui

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

func TestDetailShowsFailureAndRetries(t *testing.T) {
	r := newRig(t, reductotest.Config{Outcome: func(s reductotest.Submission) (bool, string) {
		return s.FileName == "bad.pdf", "the scan is unreadable"
	}})
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("bad.pdf"))) })
	r.eventually("the failed row", func() bool {
		row := r.u.list.rowAt(0)
		return row != nil && strings.Contains(row.Text(), "failed")
	})
	r.onMain(func() { r.u.list.List.Select(0) })
	d := r.u.detail
	r.eventually("the failure in the detail", func() bool {
		return d.shown && d.job.Status == jobs.StatusFailed && strings.Contains(d.Error.Text, "unreadable") &&
			!d.Retry.Disabled() && d.Cancel.Disabled() && d.Export.Disabled() && strings.Contains(d.Timeline.Text, "failed")
	})
	failedID := d.job.ID
	r.onMain(func() { test.Tap(d.Retry) })
	r.eventually("a retry job", func() bool { return r.count(jobs.Query{}) == 2 })
	js, err := r.engine.List(t.Context(), jobs.Query{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if js[0].RetryOf != failedID {
		t.Fatalf("newest job retries %d, want %d", js[0].RetryOf, failedID)
	}
}

func TestExportFormats(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("doc.pdf"))) })
	r.eventually("the completed row", func() bool {
		row := r.u.list.rowAt(0)
		return row != nil && strings.Contains(row.Text(), "completed")
	})
	r.onMain(func() { r.u.list.List.Select(0) })
	d := r.u.detail
	r.eventually("the result loaded", func() bool { return d.result != nil })
	r.onMain(func() {
		md, js := string(d.exportData("md")), string(d.exportData("json"))
		if md == "" || strings.HasPrefix(md, "```") {
			t.Fatalf("markdown export = %.200q", md)
		}
		if !strings.HasPrefix(strings.TrimSpace(js), "{") && !strings.HasPrefix(strings.TrimSpace(js), "[") {
			t.Fatalf("JSON export = %.200q", js)
		}
	})
}

// TestCloseLeavesNoUIGoroutines checks the promise of Close: once it
// returns, no goroutine of this package can touch a widget.
func TestCloseLeavesNoUIGoroutines(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("a.pdf", "b.pdf"))) })
	r.onMain(func() { test.Type(r.u.list.Search, "a") }) // leaves a search timer pending
	r.eventually("two jobs", func() bool { return r.count(jobs.Query{}) == 2 })
	r.u.Close()
	// A goroutine whose deferred wg.Done has run may still be on its way
	// out when Wait returns: it touches nothing more, but it shows in the
	// dump for a moment. One that is still there after a few seconds did
	// outlive Close.
	var left string
	deadline := time.Now().Add(5 * time.Second)
	for {
		left = uiGoroutine()
		if left == "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond) // polling the dump, with a deadline
	}
	if left != "" {
		t.Fatalf("a UI goroutine outlived Close:\n%s", left)
	}
}

// uiGoroutine is the stack of a goroutine (other than the caller) running
// this package's code, or "".
func uiGoroutine() string {
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	for _, g := range strings.Split(stacks, "\n\n")[1:] { // [0] is this goroutine
		if strings.Contains(g, "reducto-tray/ui.(*") {
			return g
		}
	}
	return ""
}
