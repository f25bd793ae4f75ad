package webhooksview

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/ui/internal/uitest"
)

// rig is the Webhooks view in a test window over a recording Host.
type rig struct {
	*uitest.Host
	t    *testing.T
	v    *View
	jobs []int64 // the jobs ShowJob was asked for; UI goroutine
}

// newRig builds the view with cfg (Now and DirectURL filled in as ui
// does) and starts it, as opening the tab does.
func newRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	r := &rig{Host: uitest.NewHost(t), t: t}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DirectURL == nil {
		cfg.DirectURL = func() string { return "" }
	}
	r.onMain(func() {
		r.v = New(testHost{r.Host, r}, cfg)
		r.Win.SetContent(r.v.Object())
		r.Win.Resize(fyne.NewSize(1000, 700))
		r.v.Start()
	})
	return r
}

// newWebhooksRig is the view over fake deliveries, the receiver
// listening on 127.0.0.1:7433.
func newWebhooksRig(t *testing.T, fake *fakeDeliveries, edit func(cfg *Config)) *rig {
	t.Helper()
	cfg := Config{Deliveries: fake, ListenAddr: "127.0.0.1:7433"}
	if edit != nil {
		edit(&cfg)
	}
	return newRig(t, cfg)
}

func (r *rig) onMain(f func()) { r.OnMain(f) }

func (r *rig) eventually(what string, cond func() bool) {
	r.t.Helper()
	r.Eventually(r.t, what, cond)
}

// testHost is the app around the view, recording the jobs it is asked
// to show.
type testHost struct {
	*uitest.Host
	r *rig
}

func (h testHost) ShowJob(id int64) { h.r.jobs = append(h.r.jobs, id) }
