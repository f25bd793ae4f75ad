package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// Flow places objects left to right at their minimum sizes and starts a
// new line where the next one does not fit. Its height depends on its
// width, which its MinSize cannot know: the layout that holds the bar
// (NewBarOver) sets lines for the width it is about to give (Fit) before
// asking for MinSize, so what is below the bar never gets a height that
// assumed fewer lines.
type Flow struct {
	Gap   float32
	lines int
	// owner is laid out again when the bar lays itself out with other
	// lines than the owner gave it room for (RelayoutOwner); nil: never.
	owner    *fyne.Container
	allotted int // lines the owner's last layout gave room for
}

// NewFlow returns a flow with the theme's padding between objects.
func NewFlow() *Flow { return &Flow{Gap: theme.Padding()} }

// RelayoutOwner makes owner lay out again, after the pass in progress,
// when the bar lays itself out with other lines than owner gave it room
// for (the page label grew from "" to "Page 10 of 300"), so no control
// ends up under what is below the bar.
func (l *Flow) RelayoutOwner(owner *fyne.Container) { l.owner = owner }

// place positions objs within width and returns the number of lines;
// move=false only counts them.
func (l *Flow) place(objs []fyne.CanvasObject, width float32, move bool) int {
	x, y, lineH, lines := float32(0), float32(0), float32(0), 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		if lines == 0 {
			lines = 1
		} else if x+s.Width > width && x > 0 {
			x, y, lineH = 0, y+lineH+l.Gap, 0
			lines++
		}
		if move {
			o.Move(fyne.NewPos(x, y))
			o.Resize(s)
		}
		x += s.Width + l.Gap
		lineH = max(lineH, s.Height)
	}
	return lines
}

// Fit records how many lines objs take at width.
func (l *Flow) Fit(objs []fyne.CanvasObject, width float32) {
	l.lines = l.place(objs, width, false)
}

// Layout flows the objects within size's width.
func (l *Flow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.lines = l.place(objs, size.Width, true)
	if l.lines != l.allotted && l.owner != nil {
		l.allotted = l.lines
		fyne.Do(l.owner.Refresh)
	}
}

// MinSize is as wide as the widest object and as high as the lines the
// last width needed (one line before the first layout).
func (l *Flow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, lineH := float32(0), float32(0)
	visible := 0
	for _, o := range objs {
		if o.Visible() {
			s := o.MinSize()
			w, lineH = max(w, s.Width), max(lineH, s.Height)
			visible++
		}
	}
	if visible == 0 {
		return fyne.NewSize(0, 0)
	}
	lines := min(max(l.lines, 1), visible)
	return fyne.NewSize(w, float32(lines)*lineH+float32(lines-1)*l.Gap)
}

// NewBarOver stacks head over rest, rest taking what head leaves. Head
// holds bar, whose layout is flow: the bar is told its width (Fit) before
// head's height is asked, so rest starts below every line the bar takes.
// Head may be the bar itself.
func NewBarOver(head fyne.CanvasObject, bar *fyne.Container, flow *Flow, rest fyne.CanvasObject) *fyne.Container {
	return container.New(&barOver{bar: bar, flow: flow}, head, rest)
}

// barOver is NewBarOver's layout: objs[0] is the head, objs[1] the rest.
type barOver struct {
	bar  *fyne.Container
	flow *Flow
}

// Layout gives the head its height at size's width and the rest the rest.
func (l *barOver) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	head, rest := objs[0], objs[1]
	l.flow.Fit(l.bar.Objects, size.Width)
	l.flow.allotted = l.flow.lines
	h := head.MinSize().Height
	head.Move(fyne.Position{})
	head.Resize(fyne.NewSize(size.Width, h))
	y := h + theme.Padding()
	rest.Move(fyne.NewPos(0, y))
	rest.Resize(fyne.NewSize(size.Width, max(size.Height-y, 0)))
}

// MinSize is the head over the rest's minimum.
func (l *barOver) MinSize(objs []fyne.CanvasObject) fyne.Size {
	head, rest := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(head.Width, rest.Width), head.Height+theme.Padding()+rest.Height)
}
