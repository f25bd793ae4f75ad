package core

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// sandboxPages configures the renderer the sandbox reads uploads' text
// with. It renders nothing (no page cache) and stops PDFium soon after the
// last upload, so a sandbox session costs no memory between submissions.
// Tests under the race detector switch to the interpreter.
var sandboxPages = pages.Config{
	IdleTimeout:     time.Minute,
	CacheBytes:      1,
	CompileCacheDir: pages.DefaultCompileCacheDir(),
}

// sandboxLayoutPages bounds the pages read for one upload; the rest of a
// longer document gets no blocks (its text would take PDFium too long).
const sandboxLayoutPages = 200

// sandboxLayoutTimeout bounds reading one upload's text.
const sandboxLayoutTimeout = 30 * time.Second

// sandboxLayout is the simulator's Layout hook: the document's text runs
// from PDFium (jobs/pages), gathered into lines, so the sandbox's boxes
// land on the words of the user's own file. Every page of the document is
// in the answer, with or without its text, so the sandbox's page count is
// the document's (the page view counts the same pages).
func sandboxLayout(r *pages.Renderer) func(doc []byte, name string) ([]reductotest.LayoutPage, error) {
	return func(doc []byte, name string) ([]reductotest.LayoutPage, error) {
		ctx, cancel := context.WithTimeout(context.Background(), sandboxLayoutTimeout)
		defer cancel()
		d, err := r.OpenBytes(ctx, name, doc)
		if err != nil {
			return nil, fmt.Errorf("layout of %s: %w", name, err)
		}
		defer d.Close()
		if d.Kind() != pages.KindPDF {
			return nil, fmt.Errorf("layout of %s: an image has no text to read", name)
		}
		out := make([]reductotest.LayoutPage, d.PageCount())
		for i := range out {
			s := d.PageSize(i)
			out[i] = reductotest.LayoutPage{Width: s.Width, Height: s.Height}
			if i >= sandboxLayoutPages {
				continue
			}
			if ctx.Err() != nil {
				continue // out of time: the rest keep their size, without text
			}
			runs, err := d.TextRects(ctx, i)
			if err != nil {
				// One page PDFium cannot read costs that page's text, not
				// the document's page count.
				slog.Debug("sandbox: no text for a page", "file", name, "page", i+1, "err", err)
				continue
			}
			out[i].Lines = textLines(runs)
		}
		return out, nil
	}
}

// textLines gathers text runs into lines, top to bottom: runs whose
// vertical extents overlap by most of the shorter one's height are one
// line, read left to right, boxed by the union of their boxes.
func textLines(runs []pages.TextRect) []reductotest.LayoutLine {
	var lines []reductotest.LayoutLine
	var members [][]pages.TextRect
	for _, r := range runs {
		if strings.TrimSpace(r.Text) == "" {
			continue
		}
		at := -1
		for i, l := range lines {
			top := max(l.Top, r.Rect.Top)
			bottom := min(l.Top+l.Height, r.Rect.Top+r.Rect.Height)
			if bottom-top > 0.5*min(l.Height, r.Rect.Height) {
				at = i
				break
			}
		}
		if at < 0 {
			lines = append(lines, reductotest.LayoutLine{Left: r.Rect.Left, Top: r.Rect.Top, Width: r.Rect.Width, Height: r.Rect.Height})
			members = append(members, []pages.TextRect{r})
			continue
		}
		l := &lines[at]
		right, bottom := max(l.Left+l.Width, r.Rect.Left+r.Rect.Width), max(l.Top+l.Height, r.Rect.Top+r.Rect.Height)
		l.Left, l.Top = min(l.Left, r.Rect.Left), min(l.Top, r.Rect.Top)
		l.Width, l.Height = right-l.Left, bottom-l.Top
		members[at] = append(members[at], r)
	}
	for i := range lines {
		m := members[i]
		sort.SliceStable(m, func(a, b int) bool { return m[a].Rect.Left < m[b].Rect.Left })
		parts := make([]string, len(m))
		for j, r := range m {
			parts[j] = strings.TrimSpace(r.Text)
		}
		lines[i].Text = strings.Join(parts, " ")
	}
	sort.SliceStable(lines, func(a, b int) bool { return lines[a].Top < lines[b].Top })
	return lines
}
