package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/result"
)

// spanCell is one cell of a result table. A merged cell (a header over
// two quarters, a row label over several rows) is drawn once, by its
// top-left cell, over the whole area it covers: an opaque background
// hides the table's dividers under it, and the text has the merged
// width. The cells it covers draw nothing.
//
// Fyne's table draws its dividers below its scrolling cells but above
// its sticky rows, so a merge is drawn merged only where its rows scroll
// with the rest: setTable keeps header rows sticky only for a table tall
// enough to scroll, where keeping the header in sight matters more.
type spanCell struct {
	bg    *canvas.Rectangle
	label *widget.Label
	// span is the size the cell draws at; zero: the cell's own size.
	span fyne.Size
}

func newSpanCell() (*spanCell, *fyne.Container) {
	c := &spanCell{
		bg:    canvas.NewRectangle(theme.Color(theme.ColorNameBackground)),
		label: &widget.Label{Truncation: fyne.TextTruncateEllipsis},
	}
	c.bg.Hide()
	return c, container.New(c, c.bg, c.label)
}

// MinSize is a label's: a table sizes its cells itself.
func (c *spanCell) MinSize([]fyne.CanvasObject) fyne.Size { return c.label.MinSize() }

// Layout lays the background and the text over the merged area (or the
// cell), starting at the cell's top-left corner.
func (c *spanCell) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	if c.span.Width > 0 {
		size = c.span
	}
	for _, o := range []fyne.CanvasObject{c.bg, c.label} {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// spans indexes a table's merges: the merge starting at a cell, and the
// cells a merge covers besides its first.
type spans struct {
	start   map[[2]int]result.Merge
	covered map[[2]int]bool
}

func indexSpans(t *result.Table) spans {
	s := spans{start: map[[2]int]result.Merge{}, covered: map[[2]int]bool{}}
	if t == nil {
		return s
	}
	for _, m := range t.Merges {
		if m.Rows <= 1 && m.Cols <= 1 {
			continue
		}
		s.start[[2]int{m.Row, m.Col}] = m
		for r := m.Row; r < m.Row+m.Rows; r++ {
			for c := m.Col; c < m.Col+m.Cols; c++ {
				if r != m.Row || c != m.Col {
					s.covered[[2]int{r, c}] = true
				}
			}
		}
	}
	return s
}

// spanSize is the area merge m covers: its columns' widths and its rows'
// heights with the table's gaps between them.
func spanSize(m result.Merge, widths []float32, rowHeight float32) fyne.Size {
	gap := theme.Padding()
	w := float32(0)
	for c := m.Col; c < m.Col+m.Cols && c < len(widths); c++ {
		w += widths[c]
	}
	w += float32(max(m.Cols-1, 0)) * gap
	h := float32(m.Rows)*rowHeight + float32(max(m.Rows-1, 0))*gap
	return fyne.NewSize(w, h)
}
