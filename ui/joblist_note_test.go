package ui

import (
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// A job whose upload meets an outage says "waiting for the API" in the
// list and the detail view, not failed, and completes once the API is back.
func TestListShowsWaitingForTheAPI(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.sim.Inject(reductotest.Fault{PathPrefix: "/upload", Count: 1000, Status: http.StatusServiceUnavailable})
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("flaky.pdf"))) })
	r.eventually("the row to say it waits for the API", func() bool {
		row := r.u.list.rowAt(0)
		return row != nil && strings.Contains(row.Text(), "waiting for the API")
	})
	r.onMain(func() { r.u.list.List.Select(0) })
	r.eventually("the detail to say why and when", func() bool {
		return r.u.detail.shown && strings.Contains(r.u.detail.values["Status"].Text, "waiting for the API (503), next try in")
	})
	r.sim.ClearFaults()
	r.eventually("the row to show completed", func() bool {
		row := r.u.list.rowAt(0)
		return row != nil && strings.Contains(row.Text(), "completed")
	})
}
