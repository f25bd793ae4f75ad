package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/export"
	"github.com/reductotray/reducto-tray/jobs/result"
)

// exportData is the result as the chosen format writes it: "md" (the
// model's Markdown: a parse's pages in order, tables as pipe tables, as the
// .parse.md beside a document holds) or "json" (indented; an extract's
// payload for "extract-json"). A result that could not be read exports
// as its JSON.
func (d *DetailView) exportData(format string) []byte {
	switch {
	case format == "md" && d.model != nil && d.model.res != nil:
		return []byte(d.model.res.Markdown())
	case format == "extract-json":
		return result.Pretty(result.Payload(d.result))
	}
	return result.Pretty(d.result)
}

// tables are the result's tables as the exports write them: a parse's
// table blocks, an extract's fields and lists of objects.
func (d *DetailView) tables() []result.NamedTable {
	switch {
	case d.model == nil:
		return nil
	case d.model.doc != nil:
		return d.model.doc.ParseTables()
	}
	return d.model.tables
}

// exportItems are the export menu's entries for the shown result.
func (d *DetailView) exportItems() []*fyne.MenuItem {
	var items []*fyne.MenuItem
	add := func(label string, f func()) { items = append(items, fyne.NewMenuItem(label, f)) }
	tables := d.tables()
	if kv := kindViews[d.job.Kind]; kv.exports != nil {
		kv.exports(d, add)
	}
	if len(tables) > 0 {
		add(fmt.Sprintf("CSV, one file per table (%d)…", len(tables)), d.exportCSVs)
		add("Excel workbook, one sheet per table…", func() {
			d.saveAs("xlsx", func() ([]byte, error) {
				var b bytes.Buffer
				err := export.WriteXLSX(&b, tables)
				return b.Bytes(), err
			})
		})
	}
	add("Full result as JSON…", func() { d.saveAs("json", func() ([]byte, error) { return d.exportData("json"), nil }) })
	return items
}

// ShowExportMenu opens the shown job's export menu (the README's
// screenshot of it). Main goroutine.
func (u *App) ShowExportMenu() { u.detail.showExportMenu() }

// showExportMenu offers the export formats under the Export button.
func (d *DetailView) showExportMenu() {
	if d.result == nil {
		return
	}
	menu := fyne.NewMenu("", d.exportItems()...)
	c := fyne.CurrentApp().Driver().CanvasForObject(d.Export)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(d.Export).AddXY(0, d.Export.Size().Height)
	d.menu = widget.NewPopUpMenu(menu, c)
	d.menu.ShowAtPosition(pos)
}

// stem is the document's name without its extension, for exported files.
func (d *DetailView) stem() string {
	base := filepath.Base(d.job.File)
	if strings.HasPrefix(d.job.File, "jobid://") {
		base = strings.TrimPrefix(d.job.File, "jobid://")
	}
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// saveAs asks where to save and writes what produce makes there; making
// and writing run off the UI goroutine (a large workbook takes a moment).
func (d *DetailView) saveAs(ext string, produce func() ([]byte, error)) {
	if d.result == nil {
		return
	}
	name := d.stem() + "." + string(d.job.Kind) + "." + ext
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			d.u.showError("Export", err)
			return
		}
		if w == nil {
			return
		}
		d.u.goBg(func(context.Context) {
			data, perr := produce()
			var werr error
			if perr == nil {
				_, werr = w.Write(data)
			}
			cerr := w.Close()
			d.u.do(func() {
				if err := errors.Join(perr, werr, cerr); err != nil {
					d.u.showError("Export", fmt.Errorf("write %s: %w", w.URI().Name(), err))
					return
				}
				d.u.setStatus("Exported " + w.URI().Path())
			})
		})
	}, d.u.win)
	dlg.SetFileName(name)
	if dir := d.docFolder(); dir != nil {
		dlg.SetLocation(dir)
	}
	dlg.Show()
}

// docFolder is the shown document's folder, where save dialogs start (they
// opened in the home folder); nil when it is not a local folder that
// exists (a jobid:// input, a deleted folder).
func (d *DetailView) docFolder() fyne.ListableURI {
	if d.job.File == "" || strings.HasPrefix(d.job.File, "jobid://") || !filepath.IsAbs(d.job.File) {
		return nil
	}
	dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(d.job.File)))
	if err != nil {
		return nil
	}
	return dir
}

// exportCSVs asks for a folder and writes one CSV per table into it.
func (d *DetailView) exportCSVs() {
	tables, base := d.tables(), d.stem()
	dlg := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			d.u.showError("Export CSV", err)
			return
		}
		if dir == nil {
			return
		}
		d.u.goBg(func(context.Context) {
			files, err := export.WriteCSVs(dir.Path(), base, tables)
			d.u.do(func() {
				if err != nil {
					d.u.showError("Export CSV", err)
					return
				}
				d.u.setStatus(fmt.Sprintf("Wrote %s into %s", plural(len(files), "CSV file"), dir.Path()))
			})
		})
	}, d.u.win)
	if dir := d.docFolder(); dir != nil {
		dlg.SetLocation(dir)
	}
	dlg.Show()
}
