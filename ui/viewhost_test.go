package ui

import (
	"context"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// The views in packages of their own reach the app through viewHost: a
// delivery's job link shows the job in the Jobs tab, news goes to the
// status line, dialogs open over the main window.
func TestViewHostIsTheApp(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	js, err := r.engine.Submit(context.Background(), r.files("invoice.pdf"), jobs.Options{Kind: jobs.KindParse})
	if err != nil {
		t.Fatal(err)
	}
	h := viewHost{r.u}
	r.onMain(func() {
		r.u.ShowWebhooks()
		h.ShowJob(js[0].ID)
		h.SetStatus("Replaying")
		if h.Window() != r.u.win {
			t.Error("dialogs would open over another window")
		}
	})
	r.eventually("the job shown in the Jobs tab", func() bool {
		return r.u.tabs.Selected().Text == "Jobs" && r.u.detail.shown && r.u.detail.job.ID == js[0].ID
	})
	r.onMain(func() {
		if got := r.u.status.Text; got != "Replaying" {
			t.Errorf("status %q", got)
		}
	})
}
