package ui

import (
	"os"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// showResult fills the detail with a completed job of kind whose stored
// result is the fixture, as Show does once the result is read.
func showResult(t *testing.T, r *rig, kind jobs.Kind, fixture string) *DetailView {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + fixture)
	if err != nil {
		t.Fatal(err)
	}
	j := jobs.Job{ID: 41, JobID: "p-1", File: "/data/report.pdf", Kind: kind, Status: jobs.StatusCompleted, Options: jobs.Options{Kind: kind}}
	d := r.u.detail
	r.onMain(func() {
		d.fill(j, nil, nil, raw, nil, buildResult(kind, raw), jsonView(raw))
		r.u.win.Resize(fyne.NewSize(1000, 680))
	})
	return d
}

// rendered collects the text of every label and rich text under o, as
// drawn (through the widgets' renderers).
func rendered(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
			return
		case *widget.RichText:
			out = append(out, w.String())
			return
		}
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func TestParseTableRendersAsGrid(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	d := showResult(t, r, jobs.KindParse, "result-parse.json")
	r.onMain(func() {
		p := d.View.Parse
		if p == nil {
			t.Fatal("no parse view")
		}
		if got := d.Result.String(); !strings.Contains(got, "3 pages") || !strings.Contains(got, "1 table") || !strings.Contains(got, "1 low confidence") {
			t.Errorf("summary = %q", got)
		}
		// Rows: page 1, title, text, page 2, table, footnote, page 3, ...
		tableRow := 4
		if p.m.rows[tableRow].block < 0 || p.blockOf(tableRow).Table == nil {
			t.Fatalf("row %d is not the table: %+v", tableRow, p.m.rows)
		}
		var grid *gridState
		for _, c := range p.cells {
			if c.row == tableRow {
				grid = c.grid
			}
		}
		if grid == nil {
			t.Fatal("the table row was not built")
		}
		cells := rendered(grid.Table)
		for _, want := range []string{"Region", "Q1", "Total", "Jan", "Feb", "EUR", "North", "1,200", "007", "1 207", "South / coast"} {
			if !slices.Contains(cells, want) {
				t.Errorf("grid lacks cell %q; has %q", want, cells)
			}
		}
		// A table that does not scroll needs no sticky header, and its
		// merged header cells are drawn merged: "Q1" over Jan and Feb,
		// on a background that hides the divider between them.
		if grid.Table.StickyRowCount != 0 {
			t.Errorf("sticky header rows = %d, want 0 for a table that does not scroll", grid.Table.StickyRowCount)
		}
		q1 := spanCellShowing(grid.Table, "Q1")
		if q1 == nil {
			t.Fatal("no cell shows Q1")
		}
		wantW := grid.widths[1] + grid.widths[2] + theme.Padding()
		if got := q1.label.Size().Width; got < wantW-1 || !q1.bg.Visible() || q1.bg.Size().Width < wantW-1 {
			t.Errorf("Q1 drawn %.0f wide (background shown %v, %.0f wide); want merged over Jan and Feb: %.0f",
				got, q1.bg.Visible(), q1.bg.Size().Width, wantW)
		}
		// Columns are sized to their content: "South / coast" is wider
		// than "Q1"'s empty neighbour.
		if grid.widths[0] <= grid.widths[2] {
			t.Errorf("column widths %v not sized to content", grid.widths)
		}
		// Copy as TSV puts the exact cells on the clipboard.
		test.Tap(grid.Copy)
		want := "Region\tQ1\t\tTotal\n\tJan\tFeb\tEUR\nNorth\t1,200\t007\t1 207\n\"South\ncoast\"\t3\t4\t7\n"
		if got := r.u.app.Clipboard().Content(); got != want {
			t.Errorf("clipboard = %q, want %q", got, want)
		}
		// The low-confidence footnote is marked, the figure has its link.
		texts := strings.Join(rendered(p.List), "\n")
		foot := p.segments(p.blockOf(5))
		if first := foot[0].(*widget.TextSegment); first.Text != "Low confidence  " || first.Style.ColorName != "warning" {
			t.Errorf("low confidence not marked: %+v", first)
		}
		if !strings.Contains(texts, "Page 2") {
			t.Errorf("no page separator in %q", texts)
		}
	})
}

func TestFindMovesThroughMatches(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	d := showResult(t, r, jobs.KindParse, "result-parse.json")
	r.onMain(func() {
		p := d.View.Parse
		test.Type(p.Find, "SALES") // the text block, and the figure's caption
		if p.Matches.Text != "1 of 2" || p.current() != 2 {
			t.Fatalf("after typing: %q at row %d", p.Matches.Text, p.current())
		}
		test.Tap(p.Next)
		if p.Matches.Text != "2 of 2" || p.blockOf(p.current()).Content != "Figure 1: sales by month" {
			t.Fatalf("next: %q at row %d", p.Matches.Text, p.current())
		}
		test.Tap(p.Next) // wraps around
		if p.current() != 2 {
			t.Fatalf("next wraps to row %d, want 2", p.current())
		}
		test.Tap(p.Prev)
		if p.Matches.Text != "2 of 2" {
			t.Fatalf("previous: %q", p.Matches.Text)
		}
		// The match is highlighted in the text.
		segs := p.segments(p.blockOf(2))
		var hit string
		for _, s := range segs {
			if ts := s.(*widget.TextSegment); ts.Style.TextStyle.Bold {
				hit = ts.Text
			}
		}
		if hit != "Sales" {
			t.Errorf("highlighted %q, want the match as written, Sales", hit)
		}
		// A cell matches too: "coast" is only in the table.
		p.Find.SetText("coast")
		if p.Matches.Text != "1 of 1" || p.blockOf(p.current()).Table == nil {
			t.Fatalf("table cell match: %q", p.Matches.Text)
		}
		p.Find.SetText("nowhere")
		if p.Matches.Text != "no match" || !p.Next.Disabled() {
			t.Fatalf("no match: %q", p.Matches.Text)
		}
	})
}

func TestExtractArraysRenderAsRows(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	d := showResult(t, r, jobs.KindExtract, "result-extract.json")
	r.onMain(func() {
		if len(d.View.Grids) != 2 {
			t.Fatalf("%d grids, want Fields and line_items", len(d.View.Grids))
		}
		items := d.View.Grids[1]
		cells := rendered(items.Table)
		for _, want := range []string{"description", "price.amount", "Pen", "Ink, black", "3.00", "back-order"} {
			if !slices.Contains(cells, want) {
				t.Errorf("line items lack %q; have %q", want, cells)
			}
		}
		if n := len(items.t.Rows); n != 3 {
			t.Errorf("%d rows, want a header and one row per item", n)
		}
		fields := rendered(d.View.Grids[0].Table)
		if !slices.Contains(fields, "ACME GmbH") || !slices.Contains(fields, "1") {
			t.Errorf("fields with cited pages: %q", fields)
		}
		test.Tap(items.Copy)
		if got := r.u.app.Clipboard().Content(); got != "description\tqty\tprice.amount\tprice.currency\tnote\nPen\t2\t1.50\tEUR\t\nInk, black\t1\t3.00\tEUR\tback-order\n" {
			t.Errorf("clipboard = %q", got)
		}
	})
}

func TestExportMenuOffersTables(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	d := showResult(t, r, jobs.KindParse, "result-parse.json")
	r.onMain(func() {
		var labels []string
		for _, it := range d.exportItems() {
			labels = append(labels, it.Label)
		}
		want := []string{"Copy all as Markdown", "Markdown…", "CSV, one file per table (1)…", "Excel workbook, one sheet per table…", "Full result as JSON…"}
		if !slices.Equal(labels, want) {
			t.Fatalf("menu = %q, want %q", labels, want)
		}
		// The chunks' content as Reducto wrote it (the table in its
		// table_output_format), as the .parse.md beside a document holds.
		md := string(d.exportData("md"))
		if !strings.Contains(md, "Sales grew in every region.") || !strings.Contains(md, `<th rowspan="2">Region</th>`) {
			t.Errorf("markdown export lacks the text or the table: %.300q", md)
		}
	})
}

func TestCostsInListAndDetail(t *testing.T) {
	c := 4.5
	j := jobs.Job{File: "/d/a.pdf", Pages: 12, Credits: &c}
	if got := costText(j); got != "  · 12 p · 4.5 cr" {
		t.Errorf("list cost = %q", got)
	}
	if got := costText(jobs.Job{File: "/d/a.pdf"}); got != "" {
		t.Errorf("unknown cost shown as %q", got)
	}
	r := newRig(t, reductotest.Config{})
	d := r.u.detail
	r.onMain(func() {
		d.fill(jobs.Job{ID: 3, File: "/d/a.pdf", Kind: jobs.KindParse, Status: jobs.StatusCompleted, Pages: 12, Credits: &c}, nil, nil, nil, nil, nil, nil)
		if d.values["Credits"].Text != "4.5" || d.values["Pages"].Text != "12" {
			t.Errorf("detail credits %q pages %q", d.values["Credits"].Text, d.values["Pages"].Text)
		}
	})
}

func TestChainOneOffOptions(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	d := r.u.detail
	r.onMain(func() {
		o, err := d.chainOptions(jobs.KindSplit, oneOff, "Invoice: the invoice pages\n\nContract: the agreement")
		if err != nil || o.Kind != jobs.KindSplit || len(o.Split.Descriptions) != 2 || o.Split.Descriptions[1].Name != "Contract" {
			t.Fatalf("split one-off = %+v, %v", o.Split, err)
		}
		if _, err := d.chainOptions(jobs.KindSplit, oneOff, "no colon here"); err == nil {
			t.Error("a section without a description accepted")
		}
		o, err = d.chainOptions(jobs.KindExtract, oneOff, `{"type":"object"}`)
		if err != nil || string(o.Extract.Schema) != `{"type":"object"}` {
			t.Fatalf("extract one-off = %+v, %v", o.Extract, err)
		}
		if _, err := d.chainOptions(jobs.KindExtract, oneOff, `[1]`); err == nil {
			t.Error("a schema that is not an object accepted")
		}
	})
}

func TestExtractWithRunsOnTheParse(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	if _, ok := r.u.be.(Chainer); !ok {
		t.Skip("the engine does not chain yet")
	}
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("doc.pdf"))) })
	r.eventually("the completed parse", func() bool {
		row := r.u.list.rowAt(0)
		return row != nil && strings.Contains(row.Text(), "completed")
	})
	r.onMain(func() { r.u.list.List.Select(0) })
	d := r.u.detail
	r.eventually("Extract… offered", func() bool { return d.shown && d.ExtractWith.Visible() })
	parent := d.job.ID
	r.onMain(func() { test.Tap(d.ExtractWith) })
	r.eventually("the form", func() bool { return d.chainDlg != nil })
	r.onMain(func() {
		d.chainDlg.Preset.SetSelected(oneOff)
		d.chainDlg.Text.SetText(`{"type":"object","properties":{"total":{"type":"number"}}}`)
		if err := d.chainDlg.Submit(); err != nil {
			t.Fatal(err)
		}
	})
	r.eventually("the chained extract linked both ways", func() bool {
		return d.job.Kind == jobs.KindExtract && d.job.ParentID == parent && len(d.Links.Objects) > 0
	})
	// The list highlights the job the detail shows (it kept the parent's
	// row highlighted, and a click on it did nothing).
	l := r.u.list
	r.eventually("the child's row highlighted", func() bool {
		j, ok, _ := l.pager.Row(l.selIndex)
		return l.selected == d.job.ID && ok && j.ID == d.job.ID
	})
	r.onMain(func() {
		for i := 0; i < l.pager.Len(); i++ {
			if j, ok, _ := l.pager.Row(i); ok && j.ID == parent {
				l.List.Select(i)
			}
		}
	})
	r.eventually("a click on the parent's row shows the parent", func() bool { return d.job.ID == parent })
}

// A chained job run with a one-off schema says so (it was labelled
// "(chained preset)"); the dialog's placeholder reads as an example, and a
// one-off that is not valid fails in the dialog (Run disabled, the reason
// under the field) instead of closing it with an error in the status bar.
func TestChainOneOffIsSaidAndCheckedInTheDialog(t *testing.T) {
	if got := originText(jobs.Job{Source: jobs.SourceChain, Kind: jobs.KindExtract}); strings.Contains(got, "preset") || !strings.Contains(got, "one-off schema") {
		t.Errorf("one-off extract origin %q", got)
	}
	if got := originText(jobs.Job{Source: jobs.SourceChain, Kind: jobs.KindSplit, Preset: "bundle"}); !strings.Contains(got, "preset bundle") {
		t.Errorf("preset split origin %q", got)
	}
	r := newRig(t, reductotest.Config{})
	d := r.u.detail
	r.onMain(func() {
		d.showChainDialog(jobs.KindSplit, jobs.Job{ID: 1, File: "/d/bundle.pdf"}, nil)
		cd := d.chainDlg
		if cd.Preset.Selected != oneOff || !strings.HasPrefix(cd.Text.PlaceHolder, "e.g. ") {
			t.Fatalf("picker %q placeholder %q", cd.Preset.Selected, cd.Text.PlaceHolder)
		}
		if err := cd.Text.Validate(); err == nil {
			t.Error("empty one-off sections pass the dialog's check")
		}
		cd.Text.SetText("Invoice: the invoice pages")
		if err := cd.Text.Validate(); err != nil {
			t.Errorf("valid sections refused: %v", err)
		}
	})
}

// The mouse wheel over a table that shows all its rows scrolls the result
// (the table caught it and the result stopped), and a wheel sideways
// still moves the table.
func TestWheelOverATableScrollsTheResult(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	d := showResult(t, r, jobs.KindParse, "result-parse.json")
	r.onMain(func() {
		r.u.win.Resize(fyne.NewSize(1000, 400)) // shorter than the result: it scrolls
		p := d.View.Parse
		var grid *gridState
		for _, c := range p.cells {
			if c.row >= 0 && p.m.rows[c.row].block >= 0 && p.blockOf(c.row).Table != nil {
				grid = c.grid
			}
		}
		if grid == nil {
			t.Fatal("no table row built")
		}
		before := p.List.GetScrollOffset()
		grid.Wheel.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -60)})
		if after := p.List.GetScrollOffset(); after <= before {
			t.Errorf("the wheel over a table left the result at %.0f (was %.0f)", after, before)
		}
	})
}

// Find marks whole words, so a match inside a word does not split it into
// segments drawn apart ("al go rithms"), and not in the selection's blue.
func TestFindMarksWholeWords(t *testing.T) {
	got := splitMatches("Sorting algorithms, fast.", "go")
	want := []textPart{{text: "Sorting "}, {text: "algorithms,", hit: true}, {text: " fast."}}
	if !slices.Equal(got, want) {
		t.Errorf("parts %+v, want %+v", got, want)
	}
	if got := splitMatches("go go", "go"); len(got) != 3 || !got[0].hit || got[1].text != " " || !got[2].hit {
		t.Errorf("two matches: %+v", got)
	}
	if got := splitMatches("nothing", "zz"); len(got) != 1 || got[0].hit {
		t.Errorf("no match: %+v", got)
	}
}

// PDF bullets set in the Symbol font (private-use code points) show as
// bullets, not as "�".
func TestPDFSymbolBulletsShowAsBullets(t *testing.T) {
	if got := pdfSymbols.Replace("\uf0b7 first\n\uf0a7 second \uf0fc"); got != "• first\n▪ second ✓" {
		t.Errorf("replaced %q", got)
	}
}

// spanCellShowing is the table cell whose text is text, among those drawn.
func spanCellShowing(tbl *widget.Table, text string) *spanCell {
	var found *spanCell
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *fyne.Container:
			if sc, ok := w.Layout.(*spanCell); ok && sc.label.Text == text {
				found = sc
				return
			}
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(tbl)
	return found
}
