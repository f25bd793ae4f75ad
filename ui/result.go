package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
)

// resultModel is a result read for the structured view. It is built off
// the UI goroutine (buildResult): reading a 300-page parse and its tables
// is work the window must not wait for.
type resultModel struct {
	kind     jobs.Kind
	raw      []byte
	res      *result.Result
	doc      *result.Doc // parse
	rows     []parseRow  // parse: page separators and blocks, the list's rows
	tree     *result.Node
	tables   []result.NamedTable // extract: fields and lists of objects
	sections []result.Section    // split
	edit     *result.Edit        // edit (result_edit.go)
	classify *result.Classify    // classify (result_classify.go)
	err      error               // the result could not be read as its kind
}

// parseRow is one row of the parse list: a page separator (block -1) or a
// block, with its text lower-cased once for find.
type parseRow struct {
	page  int
	block int
	lower string
}

// buildResult reads raw as a result of kind. Any goroutine.
func buildResult(kind jobs.Kind, raw []byte) *resultModel {
	m := &resultModel{kind: kind, raw: raw}
	m.res, m.err = result.Read(kind, raw)
	if m.err != nil {
		return m
	}
	m.doc, m.tree, m.sections, m.edit, m.classify = m.res.Parse, m.res.Extract, m.res.Split, m.res.Edit, m.res.Classify
	if m.doc != nil {
		m.rows = parseRows(m.doc)
	}
	if m.tree != nil {
		m.tables = result.ExtractTables(m.tree)
	}
	return m
}

func parseRows(d *result.Doc) []parseRow {
	rows := make([]parseRow, 0, len(d.Blocks)+d.Pages)
	page := 0
	for i, b := range d.Blocks {
		if b.Page > 0 && b.Page != page {
			page = b.Page
			rows = append(rows, parseRow{page: page, block: -1})
		}
		rows = append(rows, parseRow{page: b.Page, block: i, lower: strings.ToLower(searchText(b))})
	}
	return rows
}

// searchText is what find looks through: a table's cells, else the text.
func searchText(b result.Block) string {
	if b.Table == nil {
		return b.Content
	}
	var s strings.Builder
	for _, r := range b.Table.Rows {
		for _, c := range r {
			s.WriteString(c)
			s.WriteByte('\t')
		}
		s.WriteByte('\n')
	}
	return s.String()
}

// summary is the line above the structured view.
func (m *resultModel) summary() string {
	switch {
	case m.err != nil:
		return "The result could not be read as a " + string(m.kind) + ": " + m.err.Error()
	case m.doc != nil && m.doc.URL:
		return "Reducto sent this result as a link that was not fetched; the JSON tab has it."
	case m.doc != nil:
		parts := []string{plural(m.doc.Pages, "page"), plural(len(m.doc.Blocks), "block"), plural(len(m.doc.Tables), "table")}
		low := 0
		for _, b := range m.doc.Blocks {
			if b.Low {
				low++
			}
		}
		if low > 0 {
			parts = append(parts, fmt.Sprintf("%d low confidence", low))
		}
		return strings.Join(parts, " · ")
	case m.tree != nil:
		n := 0
		for _, t := range m.tables {
			n += len(t.Table.Rows) - 1
		}
		return fmt.Sprintf("%s of extracted values", plural(n, "row"))
	case m.kind == jobs.KindSplit:
		return plural(len(m.sections), "section")
	case m.edit != nil:
		return editSummary(m)
	case m.classify != nil:
		return classifySummary(m.classify)
	}
	return ""
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// ResultView is the detail's structured result: a parse's blocks (with
// find), an extract's fields and rows, or a split's sections.
type ResultView struct {
	u   *App
	d   *DetailView
	obj *fyne.Container

	model *resultModel
	Parse *parseView   // the parse list, when a parse is shown
	Grids []*gridState // the extract's or split's tables
	Split *widget.Button
}

func newResultView(d *DetailView) *ResultView {
	return &ResultView{u: d.u, d: d, obj: container.NewStack()}
}

// Object is the view's canvas object.
func (v *ResultView) Object() fyne.CanvasObject { return v.obj }

// show replaces the view with model m (nil: empty). Main goroutine.
func (v *ResultView) show(m *resultModel) {
	if v.Parse != nil {
		v.Parse.cancel() // its figure fetches are no longer wanted
	}
	v.model, v.Parse, v.Grids, v.Split = m, nil, nil, nil
	var content fyne.CanvasObject
	switch {
	case m == nil || m.err != nil || (m.doc != nil && m.doc.URL):
		content = container.NewStack()
	case m.doc != nil:
		v.Parse = newParseView(v, m)
		content = v.Parse.obj
	case m.tree != nil:
		content = v.extractObject(m)
	case m.classify != nil:
		content = v.classifyObject(m)
	case m.edit != nil:
		content = v.editObject(m)
	case m.sections != nil:
		content = v.splitObject(m)
	default: // a kind the view has no layout for: the JSON tab shows it
		content = container.NewStack()
	}
	v.obj.Objects = []fyne.CanvasObject{content}
	v.obj.Refresh()
}
