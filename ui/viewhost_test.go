package ui

import (
	"context"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// The views in packages of their own reach the app through viewHost: a
// delivery's job link shows the job in the Jobs tab, news goes to the
// status line, dialogs open over the main window, and settings saved in
// the Settings tab are in force, their defaults in the Submit form.
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
		s := h.InForce()
		s.Listen = "127.0.0.1:7999"
		s.Defaults.Webhook = jobs.WebhookSvix
		h.Saved(s)
		if got := h.InForce(); got.Listen != "127.0.0.1:7999" || r.u.defaults.Webhook != jobs.WebhookSvix {
			t.Errorf("in force: listen %q, defaults' webhook %q", got.Listen, r.u.defaults.Webhook)
		}
		if got := r.u.submitForm().Webhook.Selected; got != string(jobs.WebhookSvix) {
			t.Errorf("the Submit form's webhook %q", got)
		}
	})
}
