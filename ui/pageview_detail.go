package ui

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/pageview"
)

// detailPages is the page view beside the result: the job's document
// with the result's boxes, opened only once "Page" is ticked. It can move
// into a window of its own, where it has the room the detail pane lacks.
type detailPages struct {
	pv      *pageview.View
	Toggle  *widget.Check
	Window  *widget.Button  // shows the pages in their own window
	stack   *fyne.Container // the result alone, or the split
	result  fyne.CanvasObject
	split   *container.Split
	win     fyne.Window // the pages' own window, while open
	src     pageview.Source
	blocks  []pageview.Block
	loaded  bool // src is what the view shows
	syncing bool // a box tap is selecting its block in the list
}

// withPages puts the page view beside result, behind a "Page" check, and
// returns what the Result tab shows (result alone without a renderer).
func (d *DetailView) withPages(result fyne.CanvasObject) fyne.CanvasObject {
	if d.u.cfg.Pages == nil {
		return result
	}
	dp := &detailPages{result: result}
	dp.pv = pageview.New(d.u.cfg.Pages, fetcherOr(d.u.cfg.Fetcher), d.u.goBg, d.u.do)
	dp.pv.OpenFile = func(path string) { d.u.openPath("Open the file", path) }
	dp.pv.OnBoxTapped = func(b pageview.Block) { d.showBlockInResult(b.Index) }
	dp.stack = container.NewStack(result)
	dp.Toggle = widget.NewCheck("Page", func(on bool) {
		if dp.win != nil {
			w := dp.win
			dp.win = nil // its close must not untick the box again
			w.Close()
		}
		dp.showBeside(on)
		d.loadPages()
	})
	dp.Window = widget.NewButtonWithIcon("Window", theme.ViewFullScreenIcon(), func() { d.pagesInWindow() })
	dp.Window.Importance = widget.LowImportance
	d.pages = dp
	return container.NewBorder(container.NewHBox(layout.NewSpacer(), dp.Toggle, dp.Window), nil, nil, nil, dp.stack)
}

// showBeside shows the page view beside the result, or the result alone.
func (dp *detailPages) showBeside(on bool) {
	if on {
		if dp.split == nil {
			dp.split = container.NewHSplit(dp.result, dp.pv.Object())
		}
		dp.stack.Objects = []fyne.CanvasObject{dp.split}
	} else {
		dp.stack.Objects = []fyne.CanvasObject{dp.result}
		dp.split = nil // the page view may move to a window; a new split takes it back
	}
	dp.stack.Refresh()
}

// pagesInWindow moves the page view into a window of its own (or brings
// that window forward); closing it unticks "Page".
func (d *DetailView) pagesInWindow() {
	dp := d.pages
	if dp.win != nil {
		dp.win.RequestFocus()
		return
	}
	dp.showBeside(false)
	dp.Toggle.Checked = true // without its callback: the view goes to the window
	dp.Toggle.Refresh()
	dp.win = fyne.CurrentApp().NewWindow(pagesWindowTitle(dp.src))
	dp.win.SetContent(dp.pv.Object())
	dp.win.Resize(fyne.NewSize(760, 900))
	w := dp.win
	dp.win.SetOnClosed(func() {
		if dp.win != w {
			return // closed by the box, which shows what it asks for
		}
		dp.win = nil
		dp.Toggle.Checked = false
		dp.Toggle.Refresh()
	})
	dp.win.Show()
	d.loadPages()
}

// pagesWindowTitle names the document the pages' window shows.
func pagesWindowTitle(src pageview.Source) string {
	if src.Path == "" {
		return "Pages"
	}
	return "Pages of " + filepath.Base(src.Path)
}

// setPages sets what the page view shows for job j with its result (fill
// calls it); the document is opened when the view is shown.
func (d *DetailView) setPages(j jobs.Job, model *resultModel) {
	dp := d.pages
	if dp == nil {
		return
	}
	src := pageview.Source{Path: j.File}
	if strings.HasPrefix(j.File, "jobid://") {
		src.Path = "" // a chained job's document is its parse's
	}
	var blocks []pageview.Block
	if model != nil && model.doc != nil {
		blocks = pageview.Blocks(model.doc)
		src.PDFURL = model.doc.PDFURL
	} else if model != nil && model.tree != nil {
		blocks = CiteBlocks(model.tree) // an extract's cited regions
	}
	dp.src, dp.blocks, dp.loaded = src, blocks, false
	if d.View.Parse != nil {
		list := d.View.Parse.List
		prev := list.OnSelected
		list.OnSelected = func(id widget.ListItemID) {
			if prev != nil {
				prev(id)
			}
			d.showBlockOnPage(id)
		}
	}
	d.loadPages()
}

// loadPages opens the document if the page view is shown.
func (d *DetailView) loadPages() {
	dp := d.pages
	if dp == nil || dp.loaded || !dp.Toggle.Checked {
		return
	}
	dp.loaded = true
	if dp.win != nil {
		dp.win.SetTitle(pagesWindowTitle(dp.src))
	}
	dp.pv.SetSource(dp.src, dp.blocks)
}

// showBlockOnPage: a block selected in the result is highlighted on its
// page.
func (d *DetailView) showBlockOnPage(row widget.ListItemID) {
	p := d.View.Parse
	if d.pages == nil || d.pages.syncing || p == nil || row < 0 || row >= len(p.m.rows) {
		return
	}
	if b := p.m.rows[row].block; b >= 0 {
		d.pages.pv.Select(b)
	}
}

// showBlockInResult: a box tapped on the page scrolls the result to its
// block and selects it.
func (d *DetailView) showBlockInResult(block int) {
	p := d.View.Parse
	if p == nil {
		return
	}
	for i, r := range p.m.rows {
		if r.block == block {
			d.pages.syncing = true // the list's selection must not select back
			p.List.ScrollTo(i)
			p.List.Select(i)
			d.pages.syncing = false
			return
		}
	}
}
