package reductotest

import (
	"bytes"
	"io"
	"strings"
)

// LayoutPage is one page of an uploaded document as Config.Layout reads
// it: its size and its lines of text.
type LayoutPage struct {
	Width, Height float64 // points (an image's pixels)
	Lines         []LayoutLine
}

// LayoutLine is a line (or paragraph) of text and its box, normalised 0-1
// from the page's top-left corner as Reducto's bbox is.
type LayoutLine struct {
	Text                     string
	Left, Top, Width, Height float64
}

// layoutMaxBytes bounds the upload kept in memory for Config.Layout; a
// larger one is only counted and gets the simulator's made-up blocks.
const layoutMaxBytes = 64 << 20

// readUpload counts an upload's bytes and keeps them when they fit: in
// layoutMaxBytes when a Layout hook is set, else in editKeepBytes (a PDF
// an edit job may fill).
func (s *Server) readUpload(r io.Reader) (n int64, data []byte, err error) {
	limit := int64(editKeepBytes) // a PDF an edit may fill (edit.go)
	if s.cfg.Layout != nil {
		limit = layoutMaxBytes
	}
	var b bytes.Buffer
	n, err = io.Copy(&b, io.LimitReader(r, limit+1))
	if err != nil || n > limit {
		// Too large to read here: count the rest and forget the bytes.
		m, err2 := io.Copy(io.Discard, r)
		if err == nil {
			err = err2
		}
		return n + m, nil, err
	}
	return n, b.Bytes(), nil
}

// layoutOf runs the Layout hook on an upload, outside s.mu (it may take a
// while: the core's hook runs PDFium). A failure means the simulator's
// made-up blocks and page count; a document read without any text (a scan)
// keeps its real page count with made-up blocks (applyLayoutLocked).
func (s *Server) layoutOf(data []byte, name string) []LayoutPage {
	if s.cfg.Layout == nil || len(data) == 0 {
		return nil
	}
	pages, err := s.cfg.Layout(data, name)
	if err != nil {
		s.log.Debug("reductotest: no layout, using made-up blocks", "file", name, "err", err)
		return nil
	}
	return pages
}

// hasText reports whether any page of layout has a line of text.
func hasText(layout []LayoutPage) bool {
	for _, p := range layout {
		if len(p.Lines) > 0 {
			return true
		}
	}
	return false
}

// layoutRange is the pages of a layout a submission's page_range keeps.
func layoutRange(layout []LayoutPage, start, end int) []LayoutPage {
	start = max(1, start)
	if end <= 0 || end > len(layout) {
		end = len(layout)
	}
	if start > end {
		return nil
	}
	return layout[start-1 : end]
}

// layoutChunks writes one chunk per page of the document's real text: a
// block per line, its content the line's text and its bbox where the line
// is, so the page view's boxes land on the words.
func layoutChunks(layout []LayoutPage) []simChunk {
	chunks := make([]simChunk, 0, len(layout))
	for i, pg := range layout {
		blocks := make([]simBlock, 0, len(pg.Lines))
		parts := make([]string, 0, len(pg.Lines))
		for _, l := range pg.Lines {
			blocks = append(blocks, simBlock{Type: "Text", Content: l.Text, Confidence: "high",
				BBox: simBBox{l.Left, l.Top, l.Width, l.Height, i + 1}})
			parts = append(parts, l.Text)
		}
		content := strings.Join(parts, "\n\n")
		chunks = append(chunks, simChunk{Content: content, Embed: content, EnrichmentSuccess: true, Blocks: blocks})
	}
	return chunks
}
