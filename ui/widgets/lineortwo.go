package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// minLabelWidth is the narrowest a file name may get beside its buttons
// before the buttons move under it.
const minLabelWidth = 160

// lineOrTwo lays out a label (objs[0]) and its buttons (objs[1]) on one
// line when they fit, the label taking what the buttons leave; in a narrow
// pane the buttons move under the label, so the name is not cut to an
// ellipsis. Its height depends on its width, as a wrapping label's does:
// Layout records the width it got, MinSize answers for it, and a change
// of lines asks the parent to lay out again.
type lineOrTwo struct {
	gap   float32
	two   bool
	owner *fyne.Container // refreshed when the number of lines changes
}

func (l *lineOrTwo) fitsOne(objs []fyne.CanvasObject, width float32) bool {
	return width >= max(objs[0].MinSize().Width, minLabelWidth)+l.gap+objs[1].MinSize().Width
}

// Layout places the label and the buttons on one line or two.
func (l *lineOrTwo) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	label, buttons := objs[0], objs[1]
	ls, bs := label.MinSize(), buttons.MinSize()
	two := !l.fitsOne(objs, size.Width)
	if two != l.two && l.owner != nil {
		l.two = two
		owner := l.owner
		fyne.Do(owner.Refresh) // the parent re-reads MinSize, after this pass
	}
	l.two = two
	if two {
		label.Move(fyne.NewPos(0, 0))
		label.Resize(fyne.NewSize(size.Width, ls.Height))
		buttons.Move(fyne.NewPos(0, ls.Height+l.gap))
		buttons.Resize(fyne.NewSize(min(bs.Width, size.Width), bs.Height))
		return
	}
	h := max(ls.Height, bs.Height)
	label.Move(fyne.NewPos(0, (h-ls.Height)/2))
	label.Resize(fyne.NewSize(size.Width-bs.Width-l.gap, ls.Height))
	buttons.Move(fyne.NewPos(size.Width-bs.Width, 0))
	buttons.Resize(bs)
}

// MinSize is one line's height, or two lines' once Layout found the width
// too narrow.
func (l *lineOrTwo) MinSize(objs []fyne.CanvasObject) fyne.Size {
	ls, bs := objs[0].MinSize(), objs[1].MinSize()
	if l.two {
		return fyne.NewSize(bs.Width, ls.Height+l.gap+bs.Height)
	}
	return fyne.NewSize(bs.Width, max(ls.Height, bs.Height))
}

// NewLineOrTwo puts label and buttons on one line when they fit, the
// buttons under the label in a narrow pane (lineOrTwo).
func NewLineOrTwo(label, buttons fyne.CanvasObject) *fyne.Container {
	l := &lineOrTwo{gap: 4}
	c := container.New(l, label, buttons)
	l.owner = c
	return c
}
