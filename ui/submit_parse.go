package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerKindForm(jobs.KindParse, func(changed func()) kindForm { return newParseForm(changed) })
}

// The choices the submit form offers for parse options; empty means
// Reducto's default.
var (
	tableFormats = append([]string{""}, jobs.TableFormats...)
	chunkModes   = append([]string{""}, jobs.ChunkModes...)
)

// parseForm is the submit form's part for a parse: the page range, the
// tables' format and the chunking.
type parseForm struct {
	PageStart   *widget.Entry
	PageEnd     *widget.Entry
	TableFormat *widget.Select
	ChunkMode   *widget.Select
	obj         fyne.CanvasObject
}

func newParseForm(changed func()) *parseForm {
	onChange := func(string) { changed() }
	s := &parseForm{
		PageStart:   &widget.Entry{PlaceHolder: "first", OnChanged: onChange},
		PageEnd:     &widget.Entry{PlaceHolder: "last", OnChanged: onChange},
		TableFormat: widget.NewSelect(labels(tableFormats), onChange),
		ChunkMode:   widget.NewSelect(labels(chunkModes), onChange),
	}
	s.obj = widget.NewForm(
		widget.NewFormItem("Pages", container.NewGridWithColumns(2, s.PageStart, s.PageEnd)),
		widget.NewFormItem("Tables as", s.TableFormat),
		widget.NewFormItem("Chunking", s.ChunkMode),
	)
	return s
}

func (s *parseForm) object() fyne.CanvasObject { return s.obj }

func (s *parseForm) fill(o jobs.Options) {
	s.PageStart.SetText(pageText(o.Parse.PageStart))
	s.PageEnd.SetText(pageText(o.Parse.PageEnd))
	s.TableFormat.SetSelected(labels([]string{o.Parse.TableFormat})[0])
	s.ChunkMode.SetSelected(labels([]string{o.Parse.ChunkMode})[0])
}

func (s *parseForm) read(o *jobs.Options) error {
	var err error
	if o.Parse.PageStart, err = pageNumber(s.PageStart.Text); err != nil {
		return fmt.Errorf("first page: %w", err)
	}
	if o.Parse.PageEnd, err = pageNumber(s.PageEnd.Text); err != nil {
		return fmt.Errorf("last page: %w", err)
	}
	if o.Parse.PageStart > 0 && o.Parse.PageEnd > 0 && o.Parse.PageEnd < o.Parse.PageStart {
		return fmt.Errorf("the last page (%d) is before the first (%d)", o.Parse.PageEnd, o.Parse.PageStart)
	}
	o.Parse.TableFormat = unlabel(s.TableFormat.Selected)
	o.Parse.ChunkMode = unlabel(s.ChunkMode.Selected)
	return nil
}

// pageText shows a page number; 0 (no bound) is empty.
func pageText(n int) string {
	if n > 0 {
		return strconv.Itoa(n)
	}
	return ""
}

func pageNumber(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a page number", s)
	}
	return n, nil
}
