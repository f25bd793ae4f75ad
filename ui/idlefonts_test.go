package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// TestOriginHiddenUntilAJobHasOne checks the detail's italic origin line:
// hidden (never laid out, so its fonts are not parsed) until a job with an
// origin is shown, and then laid out beside the title with room to read.
func TestOriginHiddenUntilAJobHasOne(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.onMain(func() {
		if r.u.detail.Origin.Visible() {
			t.Fatal("origin line shown with no job")
		}
	})
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("doc.pdf"))) })
	r.eventually("the row", func() bool { return r.u.list.rowAt(0) != nil })
	r.onMain(func() { r.u.list.List.Select(0) })
	r.eventually("the origin beside the title", func() bool {
		o := r.u.detail.Origin
		return o.Visible() && strings.HasPrefix(o.Text, "From ") && o.Size().Width >= 80 && o.Position().X > 0
	})
}
