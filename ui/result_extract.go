package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/ui/pageview"
)

func init() {
	registerKindView(jobs.KindExtract, kindView{
		summary: func(m *resultModel) string {
			if m.tree == nil {
				return ""
			}
			n := 0
			for _, t := range m.tables {
				n += len(t.Table.Rows) - 1
			}
			return fmt.Sprintf("%s of extracted values", plural(n, "row"))
		},
		object: func(v *ResultView, m *resultModel) fyne.CanvasObject {
			if m.tree == nil {
				return nil
			}
			return v.extractObject(m)
		},
		exports: func(d *DetailView, add func(string, func())) {
			add("Extracted values as JSON…", func() { d.saveAs("json", func() ([]byte, error) { return d.exportData("extract-json"), nil }) })
		},
		chain: &chainOneOff{title: "Extract from %s", label: "Schema", help: "A JSON schema of the values to extract.",
			hint: `e.g. {"type": "object", "properties": {"total": {"type": "number"}}}`,
			options: func(text string, o *jobs.Options) error {
				if !json.Valid([]byte(text)) || !strings.HasPrefix(text, "{") {
					return errors.New("the schema must be a JSON object")
				}
				o.Extract = jobs.ExtractOptions{Schema: json.RawMessage(text)}
				return nil
			}},
	})
}

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
