package pageview

import (
	"context"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// pageTile is one page in the view: the rendered image and the block
// boxes over it, sized by the zoom.
type pageTile struct {
	pv    *View
	index int // 0-based
	size  fyne.Size
	img   *canvas.Image
	boxes []*pageBox
	obj   *fyne.Container

	rendered int                // pixel width of the image shown
	want     int                // pixel width asked for
	cancel   context.CancelFunc // the render in flight
}

func newPageTile(pv *View, index int) *pageTile {
	t := &pageTile{pv: pv, index: index}
	// The page is rendered at the pixels it is shown at (within 32 px), so
	// the GPU's scaling is enough: ImageScaleSmooth would make Fyne scale
	// every texture on the CPU first, a full copy of the page plus a kernel
	// buffer of 32 bytes a pixel each time it is painted.
	t.img = &canvas.Image{FillMode: canvas.ImageFillStretch, ScaleMode: canvas.ImageScaleFastest}
	t.img.Hide() // until its page is rendered
	// The page before it is rendered, edged so a white page shows on a
	// white background.
	bg := &canvas.Rectangle{FillColor: color.White, StrokeColor: color.NRGBA{A: 0x40}, StrokeWidth: 1}
	objs := []fyne.CanvasObject{bg, t.img}
	for _, bi := range pv.byPage[index+1] {
		b := newPageBox(pv, bi)
		t.boxes = append(t.boxes, b)
		objs = append(objs, b)
	}
	t.obj = container.New(&tileLayout{t}, objs...)
	return t
}

// tileLayout gives the page its zoomed size and puts each box where its
// bbox says.
type tileLayout struct{ t *pageTile }

func (l *tileLayout) MinSize([]fyne.CanvasObject) fyne.Size { return l.t.size }

func (l *tileLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Resize(size)
	objs[0].Move(fyne.Position{})
	objs[1].Resize(size)
	objs[1].Move(fyne.Position{})
	for _, b := range l.t.boxes {
		bx := l.t.pv.blocks[b.block].Box
		b.Move(fyne.NewPos(float32(bx.Left)*size.Width, float32(bx.Top)*size.Height))
		b.Resize(fyne.NewSize(float32(bx.Width)*size.Width, float32(bx.Height)*size.Height))
	}
}

// stop cancels the render in flight and lets go of the pixels (the
// renderer's cache keeps recent pages).
func (t *pageTile) stop() {
	if t.cancel != nil {
		t.cancel()
		t.cancel = nil
	}
	t.want = 0
	if t.img.Image != nil {
		t.img.Image = nil
		t.rendered = 0
		// Hidden, not painted empty: Fyne paints a nil image as a blank
		// texture the size of the page.
		t.img.Hide()
		t.img.Refresh()
	}
}

// pageBox is one block's box: tapping it selects the block.
type pageBox struct {
	widget.BaseWidget
	pv    *View
	block int // index in pv.blocks
	rect  *canvas.Rectangle
	flag  *canvas.Rectangle // low confidence
}

func newPageBox(pv *View, block int) *pageBox {
	b := &pageBox{pv: pv, block: block}
	b.ExtendBaseWidget(b)
	return b
}

// Tapped selects the block and tells the result.
func (b *pageBox) Tapped(*fyne.PointEvent) { b.pv.tapBox(b.block) }

// Selected reports whether this is the selected block's box.
func (b *pageBox) Selected() bool { return b.pv.selected == b.block }

// CreateRenderer draws the box.
func (b *pageBox) CreateRenderer() fyne.WidgetRenderer {
	b.rect = &canvas.Rectangle{}
	b.flag = canvas.NewRectangle(lowColor)
	b.style()
	return &pageBoxRenderer{b: b}
}

// style sets the colours for the block's type, confidence and selection.
func (b *pageBox) style() {
	pb := b.pv.blocks[b.block]
	c := blockColor(pb.Type)
	b.rect.StrokeColor = c
	b.rect.StrokeWidth = 1.5
	b.rect.FillColor = color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0x14}
	if pb.Low {
		b.rect.FillColor = color.NRGBA{R: lowColor.R, G: lowColor.G, B: lowColor.B, A: 0x22}
	}
	if b.Selected() {
		b.rect.StrokeWidth = 3.5
		b.rect.FillColor = color.NRGBA{R: 0xf1, G: 0xc4, B: 0x0f, A: 0x55}
	}
	if pb.Low {
		b.flag.Show()
	} else {
		b.flag.Hide()
	}
}

type pageBoxRenderer struct{ b *pageBox }

func (r *pageBoxRenderer) Layout(s fyne.Size) {
	r.b.rect.Resize(s)
	f := min(float32(8), s.Height, s.Width)
	r.b.flag.Resize(fyne.NewSize(f, f))
	r.b.flag.Move(fyne.NewPos(-f/2, -f/2))
}
func (r *pageBoxRenderer) MinSize() fyne.Size { return fyne.Size{} }
func (r *pageBoxRenderer) Refresh() {
	r.b.style()
	r.b.rect.Refresh()
	r.b.flag.Refresh()
}
func (r *pageBoxRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.b.rect, r.b.flag}
}
func (r *pageBoxRenderer) Destroy() {}
