package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/export"
	"github.com/reductotray/reducto-tray/jobs/result"
)

// Column widths are sized to their content within these bounds; a cell
// wider than the maximum is cut with an ellipsis (copy gives it whole).
const (
	minColWidth = 48
	maxColWidth = 320
	// measureRows bounds how many rows size a column: a table of 10,000
	// rows is measured by its first ones.
	measureRows = 200
	// gridRowsShown is how many rows a table shows before it scrolls.
	gridRowsShown = 10
)

// gridState is what a result table shows: the table, its column widths and
// the find query whose matching cells stand out. A parse list's rows reuse
// one grid widget for whatever table they show, so the widget reads this
// state rather than holding the table.
type gridState struct {
	t      *result.Table
	widths []float32
	query  string // lower-cased; "" = nothing highlighted
	Table  *widget.Table
	Copy   *widget.Button // copy as TSV
	// Wheel lies over Table and decides where the mouse wheel goes; page
	// scrolls what holds the grid (nil: nothing does).
	Wheel  *wheelPass
	offset fyne.Position // the table's scroll offset, as Wheel moved it
	spans  spans         // t's merged cells
	rowH   float32       // a row's height, for the merged cells' size
}

// wheelPass is a transparent layer over a table that takes the mouse
// wheel (and only the wheel: taps and hovers reach the cells below). A
// table that shows all its rows passes the vertical wheel to the page it
// sits in, and a taller one passes it on at its first and last row: a
// table in a result no longer stops the result from scrolling.
type wheelPass struct {
	widget.BaseWidget
	g    *gridState
	page func(*fyne.ScrollEvent)
}

func (w *wheelPass) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// Scrolled moves the table sideways and, while it can, down or up; the
// rest goes to the page.
func (w *wheelPass) Scrolled(ev *fyne.ScrollEvent) {
	g := w.g
	t := g.Table
	if g.t == nil || t == nil {
		w.toPage(ev)
		return
	}
	view := t.Size()
	content := g.contentSize()
	dx, dy := ev.Scrolled.DX, ev.Scrolled.DY
	off := g.offset
	off.X = min(max(off.X-dx, 0), max(content.Width-view.Width, 0))
	maxY := max(content.Height-view.Height, 0)
	wantY := off.Y - dy
	off.Y = min(max(wantY, 0), maxY)
	moved := off != g.offset
	if moved {
		g.offset = off
		t.ScrollToOffset(off)
	}
	if rest := wantY - off.Y; dy != 0 && rest != 0 {
		w.toPage(&fyne.ScrollEvent{PointEvent: ev.PointEvent, Scrolled: fyne.NewDelta(0, -rest)})
	}
}

func (w *wheelPass) toPage(ev *fyne.ScrollEvent) {
	if w.page != nil && ev.Scrolled.DY != 0 {
		w.page(ev)
	}
}

// contentSize is the whole table's size: its columns and rows.
func (g *gridState) contentSize() fyne.Size {
	w := float32(0)
	for _, c := range g.widths {
		w += c + theme.SeparatorThicknessSize()
	}
	cell := (&widget.Label{Text: "Ag"}).MinSize().Height
	return fyne.NewSize(w, float32(len(g.t.Rows))*(cell+theme.SeparatorThicknessSize()))
}

// newGrid builds a scrollable grid over g; copyTSV copies g's table.
func newGrid(g *gridState, copyTSV func()) *gridState {
	g.Table = widget.NewTable(
		func() (int, int) {
			if g.t == nil {
				return 0, 0
			}
			return len(g.t.Rows), g.t.Cols()
		},
		func() fyne.CanvasObject {
			_, box := newSpanCell()
			return box
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			sc := box.Layout.(*spanCell)
			l := sc.label
			if g.t == nil || id.Row >= len(g.t.Rows) || id.Col >= len(g.t.Rows[id.Row]) {
				sc.span = fyne.Size{}
				sc.bg.Hide()
				l.SetText("")
				return
			}
			at := [2]int{id.Row, id.Col}
			sc.span = fyne.Size{}
			sc.bg.Hide()
			if m, ok := g.spans.start[at]; ok {
				sc.span = spanSize(m, g.widths, g.rowH)
				sc.bg.FillColor = theme.Color(theme.ColorNameBackground)
				sc.bg.Show()
			}
			box.Refresh()
			if g.spans.covered[at] {
				l.SetText("")
				return
			}
			cell := g.t.Rows[id.Row][id.Col]
			l.TextStyle.Bold = id.Row < g.t.HeaderRows
			l.Importance = widget.MediumImportance
			if g.query != "" && strings.Contains(strings.ToLower(cell), g.query) {
				l.Importance = widget.HighImportance
			}
			// One line a cell; line breaks inside a cell show as " / ".
			l.SetText(strings.ReplaceAll(cell, "\n", " / "))
		})
	g.Copy = widget.NewButtonWithIcon("Copy as TSV", theme.ContentCopyIcon(), copyTSV)
	g.Wheel = &wheelPass{g: g}
	g.Wheel.ExtendBaseWidget(g.Wheel)
	return g
}

// Object is the table with the wheel layer over it.
func (g *gridState) Object() fyne.CanvasObject { return container.NewStack(g.Table, g.Wheel) }

// setTable points g at t and sizes its columns. Main goroutine.
func (g *gridState) setTable(t *result.Table, widths []float32) {
	g.t = t
	g.widths = widths
	if g.Table == nil {
		return
	}
	g.spans = indexSpans(t)
	g.rowH = (&widget.Label{Text: "Ag"}).MinSize().Height
	g.Table.StickyRowCount = 0
	if t != nil && len(t.Rows) > gridRowsShown {
		// Only a table that scrolls keeps its header in sight; below Fyne
		// draws sticky rows under its dividers (spanCell says why).
		g.Table.StickyRowCount = min(t.HeaderRows, 3)
	}
	for c, w := range widths {
		g.Table.SetColumnWidth(c, w)
	}
	g.Table.ScrollToTop()
	g.Table.ScrollToLeading()
	g.offset = fyne.Position{}
	g.Table.Refresh()
}

// columnWidths sizes t's columns to their content (first measureRows rows,
// the longest line of a cell), within minColWidth..maxColWidth.
func columnWidths(t *result.Table) []float32 {
	size := theme.TextSize()
	// A label pads its text by InnerPadding on each side, and a table's
	// cell by Padding: less cuts the longest cell to an ellipsis.
	pad := theme.Padding()*2 + theme.InnerPadding()*2 + 2
	widths := make([]float32, t.Cols())
	for r, row := range t.Rows {
		if r >= measureRows {
			break
		}
		style := fyne.TextStyle{Bold: r < t.HeaderRows}
		for c, cell := range row {
			if cell == "" {
				continue
			}
			w := fyne.MeasureText(strings.ReplaceAll(cell, "\n", " / "), size, style).Width + pad
			widths[c] = max(widths[c], w)
		}
	}
	for c := range widths {
		widths[c] = min(max(widths[c], minColWidth), maxColWidth)
	}
	return widths
}

// gridHeight is the height a grid of rows rows takes, up to gridRowsShown
// (then it scrolls).
func gridHeight(rows int) float32 {
	cell := (&widget.Label{Text: "Ag"}).MinSize().Height
	n := min(max(rows, 1), gridRowsShown)
	return float32(n)*(cell+theme.SeparatorThicknessSize()) + theme.Padding()
}

// standaloneGrid is a titled grid of its own (an extract's table, a split's
// sections): the title, "Copy as TSV", and the grid at its height.
func (v *ResultView) standaloneGrid(title string, t *result.Table) fyne.CanvasObject {
	g := &gridState{}
	newGrid(g, func() { v.copyTSV(g.t) })
	g.setTable(t, columnWidths(t))
	v.Grids = append(v.Grids, g)
	head := container.NewBorder(nil, nil, nil, g.Copy, &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis})
	sized := container.New(&fixedHeight{h: gridHeight(len(t.Rows))}, g.Object())
	return container.NewVBox(head, sized)
}

// copyTSV puts t on the clipboard as tab-separated cells.
func (v *ResultView) copyTSV(t *result.Table) {
	if t == nil {
		return
	}
	v.u.app.Clipboard().SetContent(export.TSV(*t))
	v.u.setStatus(plural(len(t.Rows), "row") + " copied as cells (paste into a spreadsheet)")
}

// fixedHeight lays its objects out at the container's width and a fixed
// height: a grid in a scrolling page must not take all the page.
type fixedHeight struct{ h float32 }

func (f *fixedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		w = max(w, min(o.MinSize().Width, 200))
	}
	return fyne.NewSize(w, f.h)
}

func (f *fixedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
