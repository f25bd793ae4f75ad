package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

// newActions builds the detail's action bar: only what the shown job can
// use (Cancel while it runs, Retry once it failed, Export once it has a
// result, Extract…/Split… on a completed parse), each at its own width,
// flowing onto a second line in a narrow pane; the rarely used ones (copy
// the Reducto id, Studio, the document's folder) wait in the "More" menu,
// so the result keeps the height.
func (d *DetailView) newActions() *fyne.Container {
	d.Cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), d.doCancel)
	d.Retry = widget.NewButtonWithIcon("Retry", theme.ViewRefreshIcon(), d.doRetry)
	d.Export = widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), d.showExportMenu)
	d.Export.Importance = widget.HighImportance
	d.ExtractWith = widget.NewButtonWithIcon("Extract…", theme.DocumentIcon(), func() { d.chainWith(jobs.KindExtract) })
	d.SplitWith = widget.NewButtonWithIcon("Split…", theme.ContentCutIcon(), func() { d.chainWith(jobs.KindSplit) })
	d.CopyID = fyne.NewMenuItem("Copy Reducto job ID", d.copyID)
	d.CopyID.Icon = theme.ContentCopyIcon()
	d.Studio = fyne.NewMenuItem("Open in Reducto Studio", d.openStudio)
	d.Studio.Icon = theme.ComputerIcon()
	d.Folder = fyne.NewMenuItem("Show the document's folder", d.openFolder)
	d.Folder.Icon = theme.FolderOpenIcon()
	d.More = widget.NewButtonWithIcon("", theme.MoreHorizontalIcon(), d.showMoreMenu)
	d.More.Importance = widget.LowImportance
	d.flow = &flowLayout{gap: theme.Padding()}
	return container.New(d.flow, d.Export, d.ExtractWith, d.SplitWith, d.Cancel, d.Retry, d.More)
}

// showMoreMenu opens the "More" menu under its button.
func (d *DetailView) showMoreMenu() {
	c := fyne.CurrentApp().Driver().CanvasForObject(d.More)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(d.More).AddXY(0, d.More.Size().Height)
	d.moreMenu = widget.NewPopUpMenu(fyne.NewMenu("", d.CopyID, d.Studio, d.Folder), c)
	d.moreMenu.ShowAtPosition(pos)
}

// flowLayout places objects left to right at their minimum sizes and
// starts a new line where the next one does not fit. Its height depends on
// its width, which its MinSize cannot know: the detail's layout sets lines
// for the width it is about to give (fit) before asking for MinSize, so
// what is below the bar never gets a height that assumed fewer lines.
type flowLayout struct {
	gap   float32
	lines int
}

// place positions objs within width and returns the number of lines;
// move=false only counts them.
func (l *flowLayout) place(objs []fyne.CanvasObject, width float32, move bool) int {
	x, y, lineH, lines := float32(0), float32(0), float32(0), 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		if lines == 0 {
			lines = 1
		} else if x+s.Width > width && x > 0 {
			x, y, lineH = 0, y+lineH+l.gap, 0
			lines++
		}
		if move {
			o.Move(fyne.NewPos(x, y))
			o.Resize(s)
		}
		x += s.Width + l.gap
		lineH = max(lineH, s.Height)
	}
	return lines
}

// fit records how many lines objs take at width.
func (l *flowLayout) fit(objs []fyne.CanvasObject, width float32) {
	l.lines = l.place(objs, width, false)
}

// Layout flows the objects within size's width.
func (l *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.lines = l.place(objs, size.Width, true)
}

// MinSize is as wide as the widest object and as high as the lines the
// last width needed (one line before the first layout).
func (l *flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
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
	return fyne.NewSize(w, float32(lines)*lineH+float32(lines-1)*l.gap)
}

// detailLayout stacks the detail's header (objs[0]: title, links, remedy,
// the action bar, outputs) over its tabs (objs[1]), which take the rest.
// The header's height is asked for at the width it gets: the action bar is
// told that width first.
type detailLayout struct {
	actions *fyne.Container
	flow    *flowLayout
}

func (l *detailLayout) headerHeight(head fyne.CanvasObject, width float32) float32 {
	l.flow.fit(l.actions.Objects, width)
	return head.MinSize().Height
}

// Layout gives the header its height at size's width and the tabs the rest.
func (l *detailLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	head, rest := objs[0], objs[1]
	h := l.headerHeight(head, size.Width)
	head.Move(fyne.NewPos(0, 0))
	head.Resize(fyne.NewSize(size.Width, h))
	y := h + theme.Padding()
	rest.Move(fyne.NewPos(0, y))
	rest.Resize(fyne.NewSize(size.Width, max(size.Height-y, 0)))
}

// MinSize is the header over the tabs' minimum.
func (l *detailLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	head, rest := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(head.Width, rest.Width), head.Height+theme.Padding()+rest.Height)
}

// titleLine puts the job's name (objs[0]) and where it came from (objs[1],
// dimmer) on one line: the name gets the width its text needs, the origin
// what is left (cut with an ellipsis, hidden when too little), so the
// header spends one line on both and the result keeps the height.
type titleLine struct{ title *widget.Label }

// Layout places the name, then the origin in the rest of the line.
func (l *titleLine) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	title, origin := objs[0], objs[1]
	pad := theme.InnerPadding()*2 + 4 // the label's padding, and rounding: less cuts the name
	tw := fyne.MeasureText(l.title.Text, theme.TextSize(), l.title.TextStyle).Width + pad
	tw = min(tw, size.Width)
	title.Move(fyne.NewPos(0, 0))
	title.Resize(fyne.NewSize(tw, size.Height))
	rest := size.Width - tw
	if !origin.Visible() {
		return // none; resizing it would parse its font for nothing
	}
	if rest < 80 {
		origin.Resize(fyne.NewSize(0, 0)) // no room: the Details tab has it
		return
	}
	origin.Move(fyne.NewPos(tw, 0))
	origin.Resize(fyne.NewSize(rest, size.Height))
}

// MinSize is one line.
func (l *titleLine) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := objs[0].MinSize().Height
	if objs[1].Visible() {
		h = max(h, objs[1].MinSize().Height)
	}
	return fyne.NewSize(objs[0].MinSize().Width, h)
}
