package settingsview

import (
	"context"
	"net/url"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/ui/internal/uitest"
)

// rig is the Settings view in a test window over a real settings service
// in a temporary home and a recording Host.
type rig struct {
	*uitest.Host
	t       *testing.T
	home    string
	svc     *settings.Service
	v       *View
	inForce settings.Settings // what the app runs with; UI goroutine
}

// newRig builds the view; before, if set, changes the saved settings
// first, as an earlier run would have.
func newRig(t *testing.T, before func(r *rig)) *rig {
	t.Helper()
	t.Setenv("REDUCTO_API_KEY", "test-key")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // "Start at login" writes there
	r := &rig{Host: uitest.NewHost(t), t: t, home: t.TempDir()}
	svc, err := settings.NewService(settings.ServiceConfig{Home: r.home, Secrets: settings.NewSecrets(r.home, false)})
	if err != nil {
		t.Fatal(err)
	}
	r.svc = svc
	if before != nil {
		before(r)
	}
	r.inForce = svc.Settings()
	r.onMain(func() {
		r.v = New(testHost{r.Host, r}, Config{Settings: svc, Executable: "/usr/bin/reducto-tray", AppID: "ai.reducto.tray.test",
			Folders: noFolders{widget.NewLabel("folders")}})
		r.Win.SetContent(r.v.Object())
		r.Win.Resize(fyne.NewSize(1000, 700))
	})
	return r
}

func (r *rig) onMain(f func()) { r.OnMain(f) }

func (r *rig) eventually(what string, cond func() bool) {
	r.t.Helper()
	r.Eventually(r.t, what, cond)
}

func (r *rig) recordSaves() *uitest.Saves { return uitest.RecordSaves(r.t, r.svc) }

// testHost is the app around the view: the settings in force are the
// rig's, and the portal's link a fixed one.
type testHost struct {
	*uitest.Host
	r *rig
}

func (h testHost) OpenURL(u *url.URL) error   { return h.App.OpenURL(u) }
func (h testHost) InForce() settings.Settings { return h.r.inForce }
func (h testHost) Saved(s settings.Settings)  { h.r.inForce = s }

func (h testHost) ConfigureWebhook(context.Context) (string, error) {
	return "https://app.svix.com/portal", nil
}

// noFolders stands for the watched folders' tab.
type noFolders struct{ fyne.CanvasObject }

func (f noFolders) Object() fyne.CanvasObject { return f.CanvasObject }
func (noFolders) Sync()                       {}
