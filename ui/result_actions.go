package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/widgets"
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
	d.flow = widgets.NewFlow()
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
