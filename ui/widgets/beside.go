package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// NewBeside puts aside to the right of main when main keeps at least
// minMain of width, and under it otherwise (besideLayout).
func NewBeside(minMain float32, main, aside fyne.CanvasObject) *fyne.Container {
	return container.New(&besideLayout{minMain: minMain}, main, aside)
}

// besideLayout puts its second object to the right of the first when the
// first keeps at least minMain of width, and under it otherwise: the
// breakdown sits beside the chart in a wide window and below it in a
// small one.
type besideLayout struct {
	minMain float32
	width   float32 // the width last laid out; 0 before the first layout
}

func (l *besideLayout) side(objs []fyne.CanvasObject, width float32) bool {
	return len(objs) == 2 && width-objs[1].MinSize().Width-theme.Padding() >= l.minMain
}

// Layout is part of fyne.Layout.
func (l *besideLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	if len(objs) != 2 {
		return
	}
	l.width = s.Width
	main, aside := objs[0], objs[1]
	if l.side(objs, s.Width) {
		w := aside.MinSize().Width
		main.Resize(fyne.NewSize(s.Width-w-theme.Padding(), main.MinSize().Height))
		main.Move(fyne.NewPos(0, 0))
		aside.Resize(fyne.NewSize(w, aside.MinSize().Height))
		aside.Move(fyne.NewPos(s.Width-w, 0))
		return
	}
	mh := main.MinSize().Height
	main.Resize(fyne.NewSize(s.Width, mh))
	main.Move(fyne.NewPos(0, 0))
	aside.Resize(fyne.NewSize(s.Width, aside.MinSize().Height))
	aside.Move(fyne.NewPos(0, mh+theme.Padding()))
}

// MinSize is part of fyne.Layout. A layout is not told the width it will
// get, so the height follows the arrangement of the last layout (stacked
// before the first).
func (l *besideLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) != 2 {
		return fyne.Size{}
	}
	m, a := objs[0].MinSize(), objs[1].MinSize()
	if l.width > 0 && l.side(objs, l.width) {
		return fyne.NewSize(m.Width, max(m.Height, a.Height))
	}
	return fyne.NewSize(max(m.Width, a.Width), m.Height+theme.Padding()+a.Height)
}
