package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// The JSON tab of a 300-page result shows the indented result through the
// LinesView (which draws only the lines in view, ui/widgets).
func TestJSONTabShowsTheIndentedResult(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	raw := largeParse(300)
	d := r.u.detail
	j := jobs.Job{ID: 1, JobID: "big", File: "/data/big.pdf", Kind: jobs.KindParse, Status: jobs.StatusCompleted}
	js := jsonView(raw)
	if js.Len() < 30000 {
		t.Fatalf("fixture has only %d lines", js.Len())
	}
	r.onMain(func() {
		r.u.win.Resize(fyne.NewSize(1000, 680))
		d.fill(j, nil, nil, raw, nil, buildResult(jobs.KindParse, raw), js)
		d.tabs.SelectIndex(1)
		if !strings.Contains(d.JSON.Text(), `"job_id": "big"`) {
			t.Error("the view's text is not the indented result")
		}
	})
}
