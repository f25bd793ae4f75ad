package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
)

func init() {
	registerKindView(jobs.KindParse, kindView{summary: parseSummary, object: func(v *ResultView, m *resultModel) fyne.CanvasObject {
		if m.doc == nil || m.doc.URL {
			return nil
		}
		v.Parse = newParseView(v, m)
		return v.Parse.obj
	}, exports: func(d *DetailView, add func(string, func())) {
		add("Copy all as Markdown", func() {
			if d.View.Parse != nil {
				d.View.Parse.copyAll()
			}
		})
		add("Markdown…", func() { d.saveAs("md", func() ([]byte, error) { return d.exportData("md"), nil }) })
	}})
}

// parseSummary counts a parse's pages, blocks, tables and low-confidence
// blocks.
func parseSummary(m *resultModel) string {
	switch {
	case m.doc == nil:
		return ""
	case m.doc.URL:
		return "Reducto sent this result as a link that was not fetched; the JSON tab has it."
	}
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
}

// parseView is a parse result as a virtualised list (only the rows on
// screen exist as widgets, so a 300-page parse opens at once): page
// separators, headings, text, tables as grids, figures with captions, low
// confidence marked; with find (Ctrl+F) and copy.
type parseView struct {
	v   *ResultView
	m   *resultModel
	obj fyne.CanvasObject

	List              *widget.List
	Find              *widget.Entry
	Prev, Next        *widget.Button
	Matches           *widget.Label
	CopyAll           *widget.Button
	query             string // lower-cased
	hits              []int  // rows that match, in order
	cur               int    // index into hits; -1 = none
	widths            map[int][]float32
	heights           map[int]float32
	width             float32 // the width heights were measured at
	cells             map[fyne.CanvasObject]*blockCell
	figures           map[string]*figureState // by image URL, for this result
	ctx               context.Context         // ends when another result is shown
	cancel            context.CancelFunc
	lastCopied, shown int // tests: the last block copied; rows built
}

func newParseView(v *ResultView, m *resultModel) *parseView {
	p := &parseView{v: v, m: m, cur: -1, widths: map[int][]float32{}, heights: map[int]float32{}, cells: map[fyne.CanvasObject]*blockCell{}, lastCopied: -1,
		figures: map[string]*figureState{}}
	p.ctx, p.cancel = context.WithCancel(v.u.ctx)
	p.List = widget.NewList(
		func() int { return len(p.m.rows) },
		p.createCell,
		p.updateCell,
	)
	p.List.HideSeparators = true
	p.Find = widget.NewEntry()
	p.Find.SetPlaceHolder("Find in result (Ctrl+F)")
	p.Find.OnChanged = p.search
	p.Find.OnSubmitted = func(string) { p.step(1) }
	p.Prev = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { p.step(-1) })
	p.Next = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { p.step(1) })
	p.Matches = widget.NewLabel("")
	p.CopyAll = widget.NewButtonWithIcon("Copy all", theme.ContentCopyIcon(), p.copyAll)
	p.Prev.Disable()
	p.Next.Disable()
	p.Prev.Hide()
	p.Next.Hide()
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(p.Matches, p.Prev, p.Next, p.CopyAll), p.Find)
	p.obj = container.NewBorder(bar, nil, nil, nil, p.List)
	return p
}

// blockCell is one list row's widgets; updateCell shows a separator, a
// text block, a table or a figure in it.
type blockCell struct {
	obj    *fyne.Container
	bg     *canvas.Rectangle // the current find match
	text   *widget.RichText
	copy   *widget.Button
	grid   *gridState
	gridBx *fyne.Container
	label  *widget.Label // a table's title
	link   *widget.Hyperlink
	img    *canvas.Image // a figure's image, above its caption
	row    int
}

func (p *parseView) createCell() fyne.CanvasObject {
	c := &blockCell{row: -1}
	c.bg = canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
	c.bg.Hide()
	c.text = widget.NewRichText()
	c.text.Wrapping = fyne.TextWrapWord
	c.copy = widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() { p.copyBlock(c.row) })
	c.copy.Importance = widget.LowImportance
	c.grid = newGrid(&gridState{}, func() {
		if c.row >= 0 {
			p.v.copyTSV(p.blockOf(c.row).Table)
		}
	})
	c.label = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	c.link = widget.NewHyperlink("Open image", nil)
	c.grid.Wheel.page = func(ev *fyne.ScrollEvent) { p.List.ScrollToOffset(p.List.GetScrollOffset() - ev.Scrolled.DY) }
	c.gridBx = container.NewBorder(container.NewBorder(nil, nil, nil, c.grid.Copy, c.label), nil, nil, nil, c.grid.Object())
	c.img = newFigureImage()
	body := container.NewStack(container.NewBorder(c.img, nil, nil, nil, c.text), c.gridBx)
	c.obj = container.NewStack(c.bg, container.NewBorder(nil, c.link, nil, c.copy, body))
	p.cells[c.obj] = c
	return c.obj
}

func (p *parseView) blockOf(row int) result.Block {
	return p.m.doc.Blocks[p.m.rows[row].block]
}

func (p *parseView) updateCell(id widget.ListItemID, o fyne.CanvasObject) {
	c := p.cells[o]
	if c == nil || id >= len(p.m.rows) {
		return
	}
	c.row = id
	p.shown++
	r := p.m.rows[id]
	show(c.bg, p.cur >= 0 && p.hits[p.cur] == id)
	c.link.Hide()
	c.img.Hide()
	if r.block < 0 {
		c.gridBx.Hide()
		c.copy.Hide()
		c.text.Show()
		c.text.Segments = []widget.RichTextSegment{&widget.SeparatorSegment{}, &widget.TextSegment{
			Text: fmt.Sprintf("Page %d", r.page), Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameCaptionText}}}
		c.text.Refresh()
		p.fitHeight(id, c)
		return
	}
	b := p.blockOf(id)
	c.copy.Show()
	if b.Table != nil {
		c.text.Hide()
		c.gridBx.Show()
		ti := p.tableIndex(r.block)
		title := p.m.doc.TableName(ti)
		title += fmt.Sprintf(" · %d×%d", len(b.Table.Rows), b.Table.Cols())
		if b.Low {
			title = "Low confidence · " + title
		}
		c.label.SetText(title)
		w, ok := p.widths[r.block]
		if !ok {
			w = columnWidths(b.Table)
			p.widths[r.block] = w
		}
		c.grid.query = p.query
		if c.grid.t != b.Table {
			c.grid.setTable(b.Table, w)
		} else {
			c.grid.Table.Refresh()
		}
		h := c.label.MinSize().Height + gridHeight(len(b.Table.Rows)) + theme.Padding()
		p.setHeight(id, h)
		return
	}
	c.gridBx.Hide()
	c.text.Show()
	c.text.Segments = p.segments(b)
	c.text.Refresh()
	if b.Type == result.TypeFigure && b.ImageURL != "" {
		// The link opens the image in the browser until it is shown here,
		// or when it cannot be (showFigure says why).
		if u, err := url.Parse(b.ImageURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
			c.link.SetURL(u)
			c.link.Show()
		}
		p.showFigure(c, b)
	}
	p.fitHeight(id, c)
}

// tableIndex is the position of block bi among the doc's tables.
func (p *parseView) tableIndex(bi int) int {
	for i, t := range p.m.doc.Tables {
		if t == bi {
			return i
		}
	}
	return 0
}

// pdfSymbols maps the private-use code points that PDFs set in the
// Symbol and Wingdings fonts (bullets, check marks, arrows), which reach
// the text as they are and which no UI font has (they were drawn as
// "�"), to the Unicode characters they stand for.
var pdfSymbols = strings.NewReplacer(
	"\uf0b7", "•", "\uf0a7", "▪", "\uf06c", "●", "\uf06e", "■", "\uf0d8", "➢", "\uf0e0", "→",
	"\uf0fc", "✓", "\uf0fb", "✗", "\uf076", "❖", "\uf0a8", "◦", "\uf02d", "-",
)

// segments renders block b: headings as headings, figures as captions,
// running heads dimmed, low confidence marked, find matches emphasised.
func (p *parseView) segments(b result.Block) []widget.RichTextSegment {
	style := widget.RichTextStyleParagraph
	text := pdfSymbols.Replace(strings.TrimSpace(b.Content))
	switch b.Type {
	case result.TypeTitle:
		style = widget.RichTextStyleHeading
		text = strings.Join(strings.Fields(text), " ")
	case result.TypeSectionHeader:
		style = widget.RichTextStyleSubHeading
		text = strings.Join(strings.Fields(text), " ")
	case result.TypeHeader, result.TypeFooter, result.TypePageNumber:
		style.ColorName = theme.ColorNamePlaceHolder
		style.SizeName = theme.SizeNameCaptionText
	case result.TypeFigure:
		style.TextStyle.Italic = true
		text = "Figure: " + text
	}
	var segs []widget.RichTextSegment
	if b.Low {
		segs = append(segs, &widget.TextSegment{Text: "Low confidence  ", Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameWarning, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameCaptionText}})
	}
	style.Inline = true
	for _, part := range splitMatches(text, p.query) {
		s := style
		if part.hit {
			// Not the primary blue: the current match's row is drawn in
			// the selection's blue, and blue on blue did not show.
			s.ColorName = theme.ColorNameWarning
			s.TextStyle.Bold = true
		}
		segs = append(segs, &widget.TextSegment{Text: part.text, Style: s})
	}
	// Inline segments flow as one paragraph; the last one ends it.
	if n := len(segs); n > 0 {
		last := segs[n-1].(*widget.TextSegment)
		last.Style.Inline = false
	}
	return segs
}

type textPart struct {
	text string
	hit  bool
}

// splitMatches cuts text around the words that contain query (lower-
// cased), found case-insensitively. A mark spans whole words: cut inside
// a word, the bold part was drawn as a segment of its own and the word
// came apart ("al go rithms").
func splitMatches(text, query string) []textPart {
	lower := strings.ToLower(text)
	if query == "" || len(lower) != len(text) { // lower-casing changed the byte offsets: no marks
		return []textPart{{text: text}}
	}
	isSpace := func(b byte) bool { return b == ' ' || b == '\n' || b == '\t' }
	var parts []textPart
	at := 0 // text[:at] is in parts
	for {
		i := strings.Index(lower[at:], query)
		if i < 0 {
			break
		}
		start, end := at+i, at+i+len(query)
		for start > at && !isSpace(text[start-1]) {
			start--
		}
		for end < len(text) && !isSpace(text[end]) {
			end++
		}
		if start > at {
			parts = append(parts, textPart{text: text[at:start]})
		}
		parts = append(parts, textPart{text: text[start:end], hit: true})
		at = end
	}
	if at < len(text) || len(parts) == 0 {
		parts = append(parts, textPart{text: text[at:]})
	}
	return parts
}

// fitHeight gives row id the height its wrapped text needs at the list's
// width: rows have different heights and the list must know each.
func (p *parseView) fitHeight(id widget.ListItemID, c *blockCell) {
	w := p.List.Size().Width - c.copy.MinSize().Width - theme.Padding()*4
	if w <= 0 {
		w = 400
	}
	c.text.Resize(fyne.NewSize(w, c.text.Size().Height))
	h := c.text.MinSize().Height + sizeFigure(c, w)
	if c.link.Visible() {
		h += c.link.MinSize().Height
	}
	p.setHeight(id, h)
}

func (p *parseView) setHeight(id widget.ListItemID, h float32) {
	if w := p.List.Size().Width; w != p.width {
		// Another width wraps text differently: measure again as rows show.
		p.width = w
		clear(p.heights)
	}
	if old, ok := p.heights[id]; ok && old == h {
		return
	}
	p.heights[id] = h
	p.List.SetItemHeight(id, h)
}

// search finds query in the blocks (text and table cells), moves to the
// first match and marks them all. Main goroutine.
func (p *parseView) search(q string) {
	p.query = strings.ToLower(strings.TrimSpace(q))
	p.hits = p.hits[:0]
	p.cur = -1
	if p.query != "" {
		for i, r := range p.m.rows {
			if r.block >= 0 && strings.Contains(r.lower, p.query) {
				p.hits = append(p.hits, i)
			}
		}
	}
	if len(p.hits) > 0 {
		p.cur = 0
		p.List.ScrollTo(p.hits[0])
	}
	p.showMatches()
	p.List.Refresh()
}

// step moves to the next (+1) or previous (-1) match, wrapping around.
func (p *parseView) step(dir int) {
	if len(p.hits) == 0 {
		return
	}
	p.cur = (p.cur + dir + len(p.hits)) % len(p.hits)
	p.List.ScrollTo(p.hits[p.cur])
	p.showMatches()
	p.List.Refresh()
}

func (p *parseView) showMatches() {
	switch {
	case p.query == "":
		p.Matches.SetText("")
	case len(p.hits) == 0:
		p.Matches.SetText("no match")
	default:
		p.Matches.SetText(fmt.Sprintf("%d of %d", p.cur+1, len(p.hits)))
	}
	enable(p.Prev, len(p.hits) > 1)
	enable(p.Next, len(p.hits) > 1)
	// Until something is searched the field gets the width.
	show(p.Prev, p.query != "")
	show(p.Next, p.query != "")
}

// copyBlock copies one block: a table as TSV, anything else as Markdown.
func (p *parseView) copyBlock(row int) {
	if row < 0 || row >= len(p.m.rows) || p.m.rows[row].block < 0 {
		return
	}
	b := p.blockOf(row)
	p.lastCopied = p.m.rows[row].block
	if b.Table != nil {
		p.v.copyTSV(b.Table)
		return
	}
	p.v.u.app.Clipboard().SetContent(result.BlockMarkdown(b))
	p.v.u.setStatus("Block copied")
}

// copyAll copies the whole parse as Markdown; writing a long one is done
// off the UI goroutine.
func (p *parseView) copyAll() {
	doc := p.m.doc
	p.v.u.goBg(func(context.Context) {
		md := doc.Markdown()
		p.v.u.do(func() {
			p.v.u.app.Clipboard().SetContent(md)
			p.v.u.setStatus(fmt.Sprintf("Copied the result as Markdown (%s)", byteSize(int64(len(md)))))
		})
	})
}

// focusFind puts the cursor in the find field (Ctrl+F).
func (p *parseView) focusFind() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(p.Find); c != nil {
		c.Focus(p.Find)
	}
}
