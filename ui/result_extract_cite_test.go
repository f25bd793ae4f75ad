package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// An extract with citations: selecting a field in the Fields grid
// highlights the region it was read from, on its page.
func TestExtractFieldShowsItsCitationOnThePage(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	path := filepath.Join(t.TempDir(), "bill.pdf")
	pdf := pages.SamplePDF([]pages.SamplePage{
		{Texts: []pages.SampleText{{X: 72, Y: 100, Size: 12, Text: "Bill 7"}}},
		{Texts: []pages.SampleText{{X: 72, Y: 400, Size: 12, Text: "Total 99.00"}}},
	})
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	raw := []byte(`{"job_id":"e-1","usage":{"num_pages":2},"result":{
		"number":{"value":"7","citations":[{"content":"Bill 7","bbox":{"left":0.11,"top":0.11,"width":0.1,"height":0.02,"page":1}}]},
		"total":{"value":99.0,"citations":[{"content":"Total 99.00","confidence":"low","bbox":{"left":0.11,"top":0.49,"width":0.15,"height":0.02,"page":2}}]}}}`)
	j := jobs.Job{ID: 42, JobID: "e-1", File: path, Kind: jobs.KindExtract, Status: jobs.StatusCompleted, Options: jobs.Options{Kind: jobs.KindExtract}}
	d := r.u.detail
	r.onMain(func() {
		d.fill(j, nil, nil, raw, nil, buildResult(j.Kind, raw), jsonView(raw))
		r.u.win.Resize(fyne.NewSize(1000, 680))
		d.pages.Toggle.SetChecked(true)
	})
	r.eventually("the document beside the result", func() bool { return d.pages.pv.HasDocument() })
	r.onMain(func() {
		if len(d.View.Grids) == 0 || d.View.Grids[0].Table.OnSelected == nil {
			t.Fatal("the Fields grid has no selection hook")
		}
		fields := d.View.Grids[0]
		// Row 2 is "total", cited on page 2.
		if got := fields.t.Rows[2][0]; got != "total" {
			t.Fatalf("fields rows %v", fields.t.Rows)
		}
		fields.Table.Select(widget.TableCellID{Row: 2, Col: 1})
		b, ok := d.pages.pv.Selected()
		if !ok || b.Page != 2 || b.Box.Top != 0.49 || !b.Low || d.pages.pv.CurrentPage() != 1 {
			t.Errorf("page view selected %+v %v on page %d; want the total's region on page 2", b, ok, d.pages.pv.CurrentPage()+1)
		}
		fields.Table.Select(widget.TableCellID{Row: 1, Col: 0})
		if b, ok := d.pages.pv.Selected(); !ok || b.Page != 1 || b.Box.Top != 0.11 {
			t.Errorf("page view selected %+v %v; want the number's region on page 1", b, ok)
		}
	})
}
