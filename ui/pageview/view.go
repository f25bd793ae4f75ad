// Package pageview is the page view: a source document's pages (rendered
// by the jobs/pages renderer it is handed) with a result's blocks drawn on
// them as boxes, beside the result or in a window of its own. It gets the
// renderer and the fetcher of Reducto's PDF from its caller through the
// interfaces it declares (Renderer, PDFFetcher), so it makes neither.
package pageview

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/ui/widgets"
)

// Zoom choices; a percentage is Fyne units per PDF point.
const (
	zoomFitWidth = "Fit width"
	zoomFitPage  = "Fit page"
)

var zoomChoices = []string{zoomFitWidth, zoomFitPage, "50%", "75%", "100%", "125%", "150%", "200%", "300%", "400%"}

// View shows a document's pages, one at a time or as a continuous
// scroll, with every block's box drawn on its page. It renders through the
// shared Renderer it is handed, off the UI goroutine; only the pages in
// sight are rendered, and renders of pages scrolled past are cancelled.
type View struct {
	r     Renderer
	fetch PDFFetcher                  // Reducto's PDF of a document that cannot be shown itself
	bg    func(func(context.Context)) // runs work off the UI goroutine
	do    func(func())                // back on it

	// OnBoxTapped is called (UI goroutine) when a box on a page is tapped.
	OnBoxTapped func(Block)
	// OpenFile opens the source document with the desktop's application
	// (the fallback when it cannot be shown here).
	OpenFile func(path string)

	Prev, Next *widget.Button
	PageLabel  *widget.Label
	Zoom       *widget.Select
	Continuous *widget.Check
	Boxes      *widget.Check
	Message    *widget.Label
	OpenButton *widget.Button

	doc      *pages.Document
	path     string
	blocks   []Block
	byPage   map[int][]int // 1-based page -> indexes in blocks
	selected int           // index in blocks, -1 for none
	page     int           // 0-based current page
	tiles    []*pageTile
	scale    float32 // units per point
	seq      uint64  // bumps per SetSource; older loads are dropped

	list    *fyne.Container
	scroll  *container.Scroll
	message *fyne.Container
	obj     fyne.CanvasObject
	viewSz  fyne.Size
}

// New returns an empty page view that opens documents with r and fetches
// Reducto's PDF of what r cannot open with f; bg runs work off the UI
// goroutine, do runs a function back on it.
func New(r Renderer, f PDFFetcher, bg func(func(context.Context)), do func(func())) *View {
	pv := &View{r: r, fetch: f, bg: bg, do: do, selected: -1, scale: 1}
	pv.Prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { pv.GoTo(pv.page - 1) })
	pv.Next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { pv.GoTo(pv.page + 1) })
	pv.PageLabel = widget.NewLabel("")
	pv.Zoom = widget.NewSelect(zoomChoices, func(string) { pv.relayout() })
	pv.Zoom.SetSelected(zoomFitWidth)
	pv.Continuous = widget.NewCheck("Continuous", func(bool) { pv.rebuild() })
	pv.Continuous.SetChecked(true)
	pv.Boxes = widget.NewCheck("Boxes", func(on bool) { pv.showBoxes(on) })
	pv.Boxes.SetChecked(true)
	pv.Message = &widget.Label{Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter}
	pv.OpenButton = widget.NewButtonWithIcon("Open the file", theme.FileIcon(), func() {
		if pv.OpenFile != nil && pv.path != "" {
			pv.OpenFile(pv.path)
		}
	})
	// Full width, so the wrapped message is not squeezed to a column.
	pv.message = container.NewPadded(container.NewVBox(pv.Message, container.NewCenter(pv.OpenButton)))
	pv.message.Hide()
	pv.list = container.NewVBox()
	pv.scroll = container.NewScroll(container.NewCenter(pv.list))
	pv.scroll.OnScrolled = func(fyne.Position) { pv.onScroll() }
	// The toolbar wraps onto a second line in a narrow pane rather than
	// clipping its controls ("Fit wi…").
	flow := widgets.NewFlow()
	bar := container.New(flow, pv.Prev, pv.PageLabel, pv.Next, pv.Zoom, pv.Continuous, pv.Boxes)
	body := container.New(&viewLayout{pv}, pv.scroll)
	outer := widgets.NewBarOver(bar, bar, flow, container.NewStack(body, pv.message))
	flow.RelayoutOwner(outer)
	pv.obj = outer
	pv.updateBar()
	return pv
}

// Object is the view's canvas object.
func (pv *View) Object() fyne.CanvasObject { return pv.obj }

// viewLayout notices the view's size changing: fit zooms follow it.
type viewLayout struct{ pv *View }

func (l *viewLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(100, 100) }

func (l *viewLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Resize(size)
	objs[0].Move(fyne.Position{})
	if size != l.pv.viewSz {
		l.pv.viewSz = size
		l.pv.relayout()
	}
}

// setDocument shows doc with blocks (UI goroutine); the previous document
// is closed.
func (pv *View) setDocument(doc *pages.Document, blocks []Block) {
	if pv.doc != nil && pv.doc != doc {
		pv.doc.Close()
	}
	pv.doc = doc
	pv.blocks = blocks
	// A document with nothing drawn on it (an edit's filled form, a result
	// without boxes) has no boxes to toggle.
	widgets.Show(pv.Boxes, len(blocks) > 0)
	pv.byPage = map[int][]int{}
	for i, b := range blocks {
		pv.byPage[b.Page] = append(pv.byPage[b.Page], i)
	}
	pv.selected = -1
	pv.page = 0
	pv.message.Hide()
	pv.rebuild()
}

// showMessage replaces the pages by msg, with "Open the file" when there
// is a file to open.
func (pv *View) showMessage(msg string) {
	pv.clear()
	pv.Message.SetText(msg)
	if pv.path != "" && pv.OpenFile != nil {
		pv.OpenButton.Show()
	} else {
		pv.OpenButton.Hide()
	}
	pv.message.Show()
	pv.updateBar()
}

// clear forgets the document.
func (pv *View) clear() {
	for _, t := range pv.tiles {
		t.stop()
	}
	pv.tiles = nil
	pv.list.Objects = nil
	pv.list.Refresh()
	if pv.doc != nil {
		pv.doc.Close()
		pv.doc = nil
	}
	pv.blocks, pv.byPage, pv.selected, pv.page = nil, nil, -1, 0
}

// rebuild makes the tiles: every page in continuous mode, the current one
// otherwise.
func (pv *View) rebuild() {
	for _, t := range pv.tiles {
		t.stop()
	}
	pv.tiles = nil
	if pv.doc == nil {
		return
	}
	objs := []fyne.CanvasObject{}
	if pv.Continuous.Checked {
		for i := 0; i < pv.doc.PageCount(); i++ {
			t := newPageTile(pv, i)
			pv.tiles = append(pv.tiles, t)
			objs = append(objs, t.obj)
		}
	} else {
		t := newPageTile(pv, pv.page)
		pv.tiles = []*pageTile{t}
		objs = append(objs, t.obj)
	}
	pv.list.Objects = objs
	pv.showBoxes(pv.Boxes.Checked)
	pv.relayout()
	pv.scrollToPage(pv.page, 0)
}

// zoomScale is units per point for page i under the chosen zoom.
func (pv *View) zoomScale() float32 {
	if pv.doc == nil {
		return 1
	}
	// Fit to the widest (tallest) page, so every page has one scale.
	var w, h float64
	for i := 0; i < pv.doc.PageCount(); i++ {
		s := pv.doc.PageSize(i)
		w, h = math.Max(w, s.Width), math.Max(h, s.Height)
	}
	avail := pv.viewSz
	pad := theme.Padding() * 4
	switch z := pv.Zoom.Selected; z {
	case zoomFitWidth:
		return max(0.05, (avail.Width-pad)/float32(w))
	case zoomFitPage:
		return max(0.05, min((avail.Width-pad)/float32(w), (avail.Height-pad)/float32(h)))
	default:
		p, err := strconv.Atoi(strings.TrimSuffix(z, "%"))
		if err != nil {
			return 1
		}
		return float32(p) / 100
	}
}

// relayout sizes the tiles for the zoom and renders what is in sight. A
// page whose pixels at this zoom would be over the renderer's bound (a
// strip 200 pages tall, a poster at 400%) is shown smaller, at the largest
// size it renders sharp: what is on screen bounds the memory, not the file.
func (pv *View) relayout() {
	if pv.doc == nil || pv.viewSz.Width <= 0 {
		return
	}
	pv.scale = pv.zoomScale()
	cs := pv.canvasScale()
	for _, t := range pv.tiles {
		s := pv.doc.PageSize(t.index)
		t.size = fyne.NewSize(float32(s.Width)*pv.scale, float32(s.Height)*pv.scale)
		if want := renderWidth(t.size.Width, cs); want > 0 {
			if w, _ := pages.FitPixels(s, want); w < want {
				f := float32(w) / float32(want)
				t.size = fyne.NewSize(t.size.Width*f, t.size.Height*f)
			}
		}
		t.obj.Refresh()
	}
	pv.list.Refresh()
	pv.onScroll()
}

// canvasScale is the pixels per unit of the window showing the view.
func (pv *View) canvasScale() float32 {
	if c := fyne.CurrentApp().Driver().CanvasForObject(pv.obj); c != nil {
		return c.Scale()
	}
	return 1
}

// renderWidth is the pixel width a page w units wide is rendered at:
// rounded up to 32 px, so small resizes reuse the cached page.
func renderWidth(w, canvasScale float32) int {
	return int(math.Ceil(float64(w*canvasScale)/32)) * 32
}

// onScroll renders the pages in sight (and one beyond), cancels the rest,
// and follows the current page in continuous mode: the page under a point
// a quarter down the view (where scrollToPage puts a page's top), or the
// first page when the view is at the top, so the label names a page that
// is on screen.
func (pv *View) onScroll() {
	if pv.doc == nil {
		return
	}
	top := pv.scroll.Offset.Y
	bottom := top + pv.scroll.Size().Height
	probe := top + pv.scroll.Size().Height/4
	if top <= 0 {
		probe = 0
	}
	y := float32(0)
	for _, t := range pv.tiles {
		h := t.size.Height
		if len(pv.tiles) > 1 && h > 0 && y <= probe && probe < y+h+theme.Padding() {
			pv.page = t.index
		}
		near := y+h >= top-h && y <= bottom+h // in sight, or a page away
		if near {
			pv.render(t)
		} else {
			t.stop()
		}
		y += h + theme.Padding()
	}
	pv.updateBar()
}

// render asks for t at its current size, unless it is shown or asked.
func (pv *View) render(t *pageTile) {
	w := renderWidth(t.size.Width, pv.canvasScale())
	if w < 32 || w == t.rendered || w == t.want {
		return
	}
	if t.cancel != nil {
		t.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.want, t.cancel = w, cancel
	doc, seq := pv.doc, pv.seq
	pv.bg(func(app context.Context) {
		stop := context.AfterFunc(app, cancel)
		defer stop()
		img, err := doc.Render(ctx, t.index, w)
		pv.do(func() {
			if seq != pv.seq || t.want != w {
				return // another document, or another size asked since
			}
			t.cancel = nil
			if err != nil {
				if ctx.Err() == nil {
					t.want = 0
					pv.showMessage(fmt.Sprintf("Page %d could not be shown: %v", t.index+1, err))
				}
				return
			}
			t.img.Image, t.rendered = img, w
			t.img.Show()
			t.img.Refresh()
		})
	})
}

// showBoxes shows or hides every box.
func (pv *View) showBoxes(on bool) {
	for _, t := range pv.tiles {
		for _, b := range t.boxes {
			if on {
				b.Show()
			} else {
				b.Hide()
			}
		}
	}
}

// GoTo shows page i (0-based).
func (pv *View) GoTo(i int) {
	if pv.doc == nil || i < 0 || i >= pv.doc.PageCount() {
		return
	}
	pv.page = i
	if !pv.Continuous.Checked {
		pv.rebuild()
		return
	}
	pv.scrollToPage(i, 0)
}

// scrollToPage scrolls so that the point at fraction f (0-1) of page i's
// height is near the top of the view.
func (pv *View) scrollToPage(i int, f float64) {
	y := float32(0)
	for _, t := range pv.tiles {
		if t.index == i {
			y += float32(f) * t.size.Height
			break
		}
		y += t.size.Height + theme.Padding()
	}
	y = max(0, y-pv.viewSz.Height/4)
	pv.scroll.Offset = fyne.NewPos(pv.scroll.Offset.X, y)
	pv.scroll.Refresh()
	pv.page = i
	pv.onScroll()
	pv.page = i
	pv.updateBar()
}

// Select highlights the block whose result index is index, shows its page
// and scrolls its box into sight. It reports whether the block has a box.
func (pv *View) Select(index int) bool {
	for i, b := range pv.blocks {
		if b.Index == index {
			pv.setSelected(i)
			if !pv.Continuous.Checked && pv.page != b.Page-1 {
				pv.page = b.Page - 1
				pv.rebuild()
			}
			pv.scrollToPage(b.Page-1, b.Box.Top)
			return true
		}
	}
	pv.setSelected(-1)
	return false
}

// Selected is the selected block, if any.
func (pv *View) Selected() (Block, bool) {
	if pv.selected < 0 || pv.selected >= len(pv.blocks) {
		return Block{}, false
	}
	return pv.blocks[pv.selected], true
}

// CurrentPage is the page in view, 0-based.
func (pv *View) CurrentPage() int { return pv.page }

// HasDocument reports whether a document is open (shown, or its pages
// being rendered).
func (pv *View) HasDocument() bool { return pv.doc != nil }

// Box is the drawn box of the block whose index in the blocks given to
// SetSource is i, nil if its page has no tile; tapping it selects the
// block.
func (pv *View) Box(i int) fyne.Tappable {
	if b := pv.box(i); b != nil {
		return b
	}
	return nil
}

func (pv *View) setSelected(i int) {
	old := pv.selected
	pv.selected = i
	for _, t := range pv.tiles {
		for _, b := range t.boxes {
			if b.block == old || b.block == i {
				b.Refresh()
			}
		}
	}
}

// tapBox selects a box tapped on the page and tells the result.
func (pv *View) tapBox(i int) {
	pv.setSelected(i)
	if pv.OnBoxTapped != nil {
		pv.OnBoxTapped(pv.blocks[i])
	}
}

// box returns the box widget of blocks[i] if its page has a tile.
func (pv *View) box(i int) *pageBox {
	for _, t := range pv.tiles {
		for _, b := range t.boxes {
			if b.block == i {
				return b
			}
		}
	}
	return nil
}

func (pv *View) updateBar() {
	n := 0
	if pv.doc != nil {
		n = pv.doc.PageCount()
	}
	if n == 0 {
		pv.PageLabel.SetText("")
		pv.Prev.Disable()
		pv.Next.Disable()
		return
	}
	pv.PageLabel.SetText(fmt.Sprintf("Page %d of %d", pv.page+1, n))
	widgets.Enable(pv.Prev, pv.page > 0)
	widgets.Enable(pv.Next, pv.page < n-1)
}
