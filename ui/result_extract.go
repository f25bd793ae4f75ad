package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/export"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/ui/pageview"
)

// extractObject shows an extract's fields as a table (field, value, pages
// cited) and each list of objects as a table of its own, one row each.
func (v *ResultView) extractObject(m *resultModel) fyne.CanvasObject {
	box := container.NewVBox()
	first := len(v.Grids)
	for _, nt := range m.tables {
		t := nt.Table
		title := nt.Name
		if nt.Name != "Fields" {
			title = fmt.Sprintf("%s · %s", nt.Name, plural(len(t.Rows)-1, "row"))
		}
		box.Add(v.standaloneGrid(title, &t))
		if nt.Name == "Fields" {
			v.Grids[len(v.Grids)-1].Table.OnSelected = v.onFieldSelected(fieldCites(m.tree))
		}
	}
	if len(m.tables) == 0 {
		box.Add(widget.NewLabel("The extract returned no values."))
	}
	return v.pageOf(container.NewVScroll(box), first)
}

// pageOf makes sc the page that the grids from v.Grids[first:] pass the
// mouse wheel on to, and returns it.
func (v *ResultView) pageOf(sc *container.Scroll, first int) *container.Scroll {
	for _, g := range v.Grids[first:] {
		g.Wheel.page = sc.Scrolled
	}
	return sc
}

// splitObject lists a split's sections with their page ranges and
// confidence (low marked), partitions under their section, and offers
// "Split into files".
func (v *ResultView) splitObject(m *resultModel) fyne.CanvasObject {
	t := &result.Table{HeaderRows: 1, Rows: [][]string{{"Section", "Pages", "Confidence"}}}
	conf := func(s result.Section) string {
		if s.Low() {
			return "low ⚠"
		}
		return orDash(s.Conf)
	}
	for _, s := range m.sections {
		pages := s.PageRanges()
		if pages == "" {
			pages = "none"
		}
		t.Rows = append(t.Rows, []string{s.Name, pages, conf(s)})
		for _, p := range s.Partitions {
			t.Rows = append(t.Rows, []string{"  ↳ " + p.Name, p.PageRanges(), conf(p)})
		}
	}
	v.Split = widget.NewButtonWithIcon("Split into files", theme.ContentCutIcon(), v.splitIntoFiles)
	file := v.d.job.File
	if !strings.EqualFold(filepath.Ext(file), ".pdf") {
		v.Split.Disable()
	}
	note := widget.NewLabel("Writes each section's pages as its own PDF beside " + filepath.Base(file) + ".")
	note.Wrapping = fyne.TextWrapWord
	first := len(v.Grids)
	return v.pageOf(container.NewVScroll(container.NewVBox(v.standaloneGrid(plural(len(m.sections), "section"), t), container.NewBorder(nil, nil, nil, v.Split, note))), first)
}

// splitIntoFiles writes the sections' pages beside the document, off the
// UI goroutine, and says where.
func (v *ResultView) splitIntoFiles() {
	if v.model == nil {
		return
	}
	file, secs := v.d.job.File, v.model.sections
	v.Split.Disable()
	v.u.goBg(func(context.Context) {
		var files []string
		_, err := os.Stat(file)
		if err == nil {
			files, err = export.SplitPDF(file, secs, filepath.Dir(file))
		}
		v.u.do(func() {
			v.Split.Enable()
			if err != nil {
				v.u.showError("Split into files", err)
				return
			}
			v.u.setStatus(fmt.Sprintf("Wrote %s beside %s", plural(len(files), "PDF"), filepath.Base(file)))
		})
	})
}

// fieldCites are the citations of the Fields table's rows, in its order
// (index 0 is the header), walked as result.ExtractTables walks the tree.
func fieldCites(root *result.Node) [][]result.Citation {
	out := [][]result.Citation{nil}
	var walk func(n *result.Node)
	walk = func(n *result.Node) {
		switch {
		case n.Rows != nil:
		case n.Scalar:
			out = append(out, n.Cites)
		default:
			for _, c := range n.Children {
				walk(c)
			}
		}
	}
	if root != nil {
		walk(root)
	}
	return out
}

// CiteBlocks are the regions an extract's fields were read from, as the
// page view's boxes (Index counts them in field order).
func CiteBlocks(root *result.Node) []pageview.Block {
	var out []pageview.Block
	for _, cites := range fieldCites(root) {
		for _, c := range cites {
			if c.Box != nil && c.Page > 0 {
				out = append(out, pageview.Block{Index: len(out), Type: "Citation", Page: c.Page, Box: *c.Box, Low: c.Low})
			}
		}
	}
	return out
}

// onFieldSelected is the Fields grid's hook: a field with a cited region
// highlights it on the page view.
func (v *ResultView) onFieldSelected(cites [][]result.Citation) func(widget.TableCellID) {
	return func(id widget.TableCellID) {
		if id.Row <= 0 || id.Row >= len(cites) {
			return
		}
		for _, c := range cites[id.Row] {
			if c.Box != nil && v.d.showCiteOnPage(c) {
				return
			}
		}
	}
}

// showCiteOnPage selects the page view's box of citation c.
func (d *DetailView) showCiteOnPage(c result.Citation) bool {
	if d.pages == nil {
		return false
	}
	for _, b := range d.pages.blocks {
		if b.Page == c.Page && b.Box == *c.Box {
			return d.pages.pv.Select(b.Index)
		}
	}
	return false
}
