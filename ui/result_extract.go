package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/export"
)

// extractObject shows an extract's fields as a table (field, value, pages
// cited) and each list of objects as a table of its own, one row each.
func (v *ResultView) extractObject(m *resultModel) fyne.CanvasObject {
	box := container.NewVBox()
	for _, nt := range m.tables {
		t := nt.Table
		title := nt.Name
		if nt.Name != "Fields" {
			title = fmt.Sprintf("%s · %s", nt.Name, plural(len(t.Rows)-1, "row"))
		}
		box.Add(v.standaloneGrid(title, &t))
	}
	if len(m.tables) == 0 {
		box.Add(widget.NewLabel("The extract returned no values."))
	}
	return container.NewVScroll(box)
}

// splitObject lists a split's sections with their page ranges and
// confidence (low marked), partitions under their section, and offers
// "Split into files".
func (v *ResultView) splitObject(m *resultModel) fyne.CanvasObject {
	t := &export.Table{HeaderRows: 1, Rows: [][]string{{"Section", "Pages", "Confidence"}}}
	conf := func(s export.Section) string {
		if s.Low() {
			return "low ⚠"
		}
		return orDash(s.Conf)
	}
	for _, s := range m.sections {
		pages := s.PageRanges()
		if pages == "" {
			pages = "none"
		}
		t.Rows = append(t.Rows, []string{s.Name, pages, conf(s)})
		for _, p := range s.Partitions {
			t.Rows = append(t.Rows, []string{"  ↳ " + p.Name, p.PageRanges(), conf(p)})
		}
	}
	v.Split = widget.NewButtonWithIcon("Split into files", theme.ContentCutIcon(), v.splitIntoFiles)
	file := v.d.job.File
	if !strings.EqualFold(filepath.Ext(file), ".pdf") {
		v.Split.Disable()
	}
	note := widget.NewLabel("Writes each section's pages as its own PDF beside " + filepath.Base(file) + ".")
	note.Wrapping = fyne.TextWrapWord
	return container.NewVScroll(container.NewVBox(v.standaloneGrid(plural(len(m.sections), "section"), t), container.NewBorder(nil, nil, nil, v.Split, note)))
}

// splitIntoFiles writes the sections' pages beside the document, off the
// UI goroutine, and says where.
func (v *ResultView) splitIntoFiles() {
	if v.model == nil {
		return
	}
	file, secs := v.d.job.File, v.model.sections
	v.Split.Disable()
	v.u.goBg(func(context.Context) {
		var files []string
		_, err := os.Stat(file)
		if err == nil {
			files, err = export.SplitPDF(file, secs, filepath.Dir(file))
		}
		v.u.do(func() {
			v.Split.Enable()
			if err != nil {
				v.u.showError("Split into files", err)
				return
			}
			v.u.setStatus(fmt.Sprintf("Wrote %s beside %s", plural(len(files), "PDF"), filepath.Base(file)))
		})
	})
}
