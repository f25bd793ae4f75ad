package widgets

import (
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TextLines is read-only text cut into lines: the text once and where
// each line starts, so a result of many megabytes costs little more than
// its own bytes. Built off the UI goroutine (NewTextLines), then only read.
type TextLines struct {
	text    string
	starts  []int // byte offset of each line; len = number of lines
	maxCols int   // runes in the longest line
}

// NewTextLines cuts s into lines.
func NewTextLines(s string) *TextLines {
	t := &TextLines{text: s, starts: make([]int, 0, strings.Count(s, "\n")+1)}
	start := 0
	for {
		t.starts = append(t.starts, start)
		i := strings.IndexByte(s[start:], '\n')
		end := len(s)
		if i >= 0 {
			end = start + i
		}
		t.maxCols = max(t.maxCols, utf8.RuneCountInString(s[start:end]))
		if i < 0 {
			return t
		}
		start = end + 1
	}
}

// Len is the number of lines.
func (t *TextLines) Len() int {
	if t == nil {
		return 0
	}
	return len(t.starts)
}

// line is line i without its newline.
func (t *TextLines) line(i int) string {
	end := len(t.text)
	if i+1 < len(t.starts) {
		end = t.starts[i+1] - 1
	}
	return t.text[t.starts[i]:end]
}

// cols is the part of line i from rune from, n runes at most.
func (t *TextLines) cols(i, from, n int) string {
	l := t.line(i)
	b := 0
	for k := 0; k < from && b < len(l); k++ {
		_, w := utf8.DecodeRuneInString(l[b:])
		b += w
	}
	e := b
	for k := 0; k < n && e < len(l); k++ {
		_, w := utf8.DecodeRuneInString(l[e:])
		e += w
	}
	return l[b:e]
}

// String is the whole text.
func (t *TextLines) String() string {
	if t == nil {
		return ""
	}
	return t.text
}

// LinesView shows TextLines read-only in monospace with both scroll bars,
// and draws only the lines and columns in view: opening the JSON of a
// 300-page result costs what one screen of text costs, not a layout of
// every line (a TextGrid builds an object per line and a cell per rune).
type LinesView struct {
	widget.BaseWidget
	lines   *TextLines
	scroll  *container.Scroll
	content *linesContent
}

// NewLinesView returns an empty view.
func NewLinesView() *LinesView {
	v := &LinesView{}
	v.content = &linesContent{view: v}
	v.content.ExtendBaseWidget(v.content)
	v.scroll = container.NewScroll(v.content)
	v.scroll.OnScrolled = func(fyne.Position) { v.content.Refresh() }
	v.ExtendBaseWidget(v)
	return v
}

// SetLines shows t (nil: nothing) from its first line. Main goroutine.
func (v *LinesView) SetLines(t *TextLines) {
	v.lines = t
	v.scroll.Offset = fyne.Position{}
	v.content.Refresh()
	v.scroll.Refresh()
}

// Text is what the view shows.
func (v *LinesView) Text() string { return v.lines.String() }

// CreateRenderer is Fyne's hook.
func (v *LinesView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.scroll)
}

// linesContent is the scrolled canvas: as large as the whole text, with a
// canvas.Text for each line in view, each holding the columns in view.
type linesContent struct {
	widget.BaseWidget
	view *LinesView
}

func (c *linesContent) CreateRenderer() fyne.WidgetRenderer {
	return &linesRenderer{c: c}
}

func (c *linesContent) MinSize() fyne.Size {
	n := c.view.lines.Len()
	if n == 0 { // not measured: an empty view (the JSON tab before any job) must not parse the monospace fonts
		p := theme.InnerPadding()
		return fyne.NewSize(2*p, 2*p)
	}
	cell := cellSize()
	cols := 0
	if n > 0 {
		cols = c.view.lines.maxCols
	}
	p := theme.InnerPadding()
	return fyne.NewSize(float32(cols)*cell.Width+2*p, float32(n)*cell.Height+2*p)
}

// cellSize is one monospace character at the theme's text size.
func cellSize() fyne.Size {
	return fyne.MeasureText("M", theme.TextSize(), fyne.TextStyle{Monospace: true})
}

type linesRenderer struct {
	c    *linesContent
	rows []*canvas.Text // the pool; rows[:shown] are in use
	objs []fyne.CanvasObject
}

func (r *linesRenderer) Layout(fyne.Size) { r.Refresh() }

func (r *linesRenderer) MinSize() fyne.Size { return r.c.MinSize() }

func (r *linesRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *linesRenderer) Destroy() {}

// Refresh places the lines that the scroll's viewport shows.
func (r *linesRenderer) Refresh() {
	v := r.c.view
	t := v.lines
	cell := cellSize()
	p := theme.InnerPadding()
	off, port := v.scroll.Offset, v.scroll.Size()
	if port.Height <= 0 || port.Width <= 0 {
		port = fyne.NewSize(800, 600) // not laid out yet: a screenful
	}
	first := max(0, int((off.Y-p)/cell.Height))
	last := min(t.Len(), int((off.Y+port.Height-p)/cell.Height)+2)
	col := max(0, int((off.X-p)/cell.Width))
	ncols := int(port.Width/cell.Width) + 2
	need := max(0, last-first)
	fg := theme.Color(theme.ColorNameForeground)
	for len(r.rows) < need {
		r.rows = append(r.rows, &canvas.Text{TextStyle: fyne.TextStyle{Monospace: true}})
	}
	r.objs = r.objs[:0]
	for k := 0; k < need; k++ {
		i := first + k
		txt := r.rows[k]
		txt.Text = t.cols(i, col, ncols)
		txt.Color = fg
		txt.TextSize = theme.TextSize()
		txt.Move(fyne.NewPos(p+float32(col)*cell.Width, p+float32(i)*cell.Height))
		txt.Resize(fyne.NewSize(float32(ncols)*cell.Width, cell.Height))
		r.objs = append(r.objs, txt)
		txt.Refresh()
	}
}
