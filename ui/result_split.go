package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/export"
	"github.com/reductotray/reducto-tray/jobs/result"
)

func init() {
	registerKindView(jobs.KindSplit, kindView{
		summary: func(m *resultModel) string { return plural(len(m.sections), "section") },
		object: func(v *ResultView, m *resultModel) fyne.CanvasObject {
			if m.sections == nil {
				return nil
			}
			return v.splitObject(m)
		},
		exports: func(d *DetailView, add func(string, func())) {
			if d.View.Split != nil && !d.View.Split.Disabled() {
				add("Split into files (beside the document)", d.View.splitIntoFiles)
			}
		},
		chain: &chainOneOff{title: "Split %s", label: "Sections", help: "One section a line, as Name: what it contains.",
			hint: "e.g. Invoice: the pages of an invoice", options: splitOneOff},
	})
}

// splitOneOff reads the chain dialog's sections, one "Name: description"
// a line.
func splitOneOff(text string, o *jobs.Options) error {
	o.Split = jobs.SplitOptions{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, desc, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return fmt.Errorf("line %d: write a section as \"Name: what it contains\"", i+1)
		}
		o.Split.Descriptions = append(o.Split.Descriptions, jobs.SplitDescription{Name: strings.TrimSpace(name), Description: strings.TrimSpace(desc)})
	}
	if len(o.Split.Descriptions) == 0 {
		return errors.New("name at least one section")
	}
	return nil
}

// splitObject lists a split's sections with their page ranges and
// confidence (low marked), partitions under their section, and offers
// "Split into files".
func (v *ResultView) splitObject(m *resultModel) fyne.CanvasObject {
	t := &result.Table{HeaderRows: 1, Rows: [][]string{{"Section", "Pages", "Confidence"}}}
	conf := func(s result.Section) string {
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
	first := len(v.Grids)
	return v.pageOf(container.NewVScroll(container.NewVBox(v.standaloneGrid(plural(len(m.sections), "section"), t), container.NewBorder(nil, nil, nil, v.Split, note))), first)
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
