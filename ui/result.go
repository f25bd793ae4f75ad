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

// kindOf is m's kind; "" for no model.
func (m *resultModel) kindOf() jobs.Kind {
	if m == nil {
		return ""
	}
	return m.kind
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

// kindView is one kind's part of the detail's result, registered from
// the kind's own file (result_parse.go, result_extract.go, ...), so the
// view and its export menu show a kind without naming it. Each function
// may be nil; summary and object answer "" and nil for a model without
// their kind's result.
type kindView struct {
	// summary is the line above the structured view.
	summary func(m *resultModel) string
	// object is the structured view of m.
	object func(v *ResultView, m *resultModel) fyne.CanvasObject
	// exports adds the kind's own entries to the export menu, before the
	// tables' and the JSON every result has.
	exports func(d *DetailView, add func(label string, f func()))
	// chain is the kind's one-off run on a parse (result_chain.go); nil
	// for a kind that does not run on one.
	chain *chainOneOff
}

var kindViews = map[jobs.Kind]kindView{}

// registerKindView adds kind's view; called from its file's init.
func registerKindView(kind jobs.Kind, kv kindView) {
	if _, dup := kindViews[kind]; dup {
		panic("ui: view of kind " + string(kind) + " registered twice")
	}
	kindViews[kind] = kv
}

// summary is the line above the structured view.
func (m *resultModel) summary() string {
	if m.err != nil {
		return "The result could not be read as a " + string(m.kind) + ": " + m.err.Error()
	}
	if kv := kindViews[m.kind]; kv.summary != nil {
		return kv.summary(m)
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
	if kv := kindViews[m.kindOf()]; m != nil && m.err == nil && kv.object != nil {
		content = kv.object(v, m)
	}
	if content == nil { // nothing to show, or a kind the view has no layout for: the JSON tab shows it
		content = container.NewStack()
	}
	v.obj.Objects = []fyne.CanvasObject{content}
	v.obj.Refresh()
}
