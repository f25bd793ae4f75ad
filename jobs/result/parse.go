package result

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() { register(jobs.KindParse, readParse) }

// Block types Reducto gives parse blocks (the ones the view treats apart).
const (
	TypeTitle         = "Title"
	TypeSectionHeader = "Section Header"
	TypeTable         = "Table"
	TypeFigure        = "Figure"
	TypeHeader        = "Header"
	TypeFooter        = "Footer"
	TypePageNumber    = "Page Number"
)

// Doc is a parse result read for people: its blocks in page order.
type Doc struct {
	Blocks []Block
	// Tables indexes the blocks that are tables parsed into grids, in
	// order (Blocks[Tables[i]].Table != nil).
	Tables []int
	Pages  int  // usage.num_pages, else the highest block page
	URL    bool // the result is a URL not yet resolved: no blocks here
	// PDFURL is Reducto's pdf_url: a PDF rendition of an office file
	// (the page view shows it when the original cannot be drawn); "" if
	// none.
	PDFURL string
	// Chunks are the chunks' own content (Reducto's Markdown), in page
	// order: a chunk sits on the first page its blocks do, a chunk without
	// blocks after the one before it, and chunks on one page keep
	// Reducto's order. Empty chunks are left out.
	Chunks []string
}

// Block is one block of a parse: a title, a paragraph, a table, a figure...
type Block struct {
	Type    string
	Content string
	Page    int  // 1-based; 0 when Reducto gave none
	Low     bool // Reducto's confidence is "low"
	// ImageURL is a figure's (or table's) image, when Reducto sent one.
	ImageURL string
	Table    *Table // the grid, for a table whose content could be read
	Chunk    int    // the chunk it came from
	// Box is where the block is on its page (Reducto's bbox, normalised
	// 0-1 from the top-left corner); nil when Reducto gave none.
	Box *Box
}

// Box is a block's region of its page, normalised 0-1 from the top-left.
type Box struct{ Left, Top, Width, Height float64 }

// Heading reports whether the block is a title or a section header.
func (b Block) Heading() bool { return b.Type == TypeTitle || b.Type == TypeSectionHeader }

type wireBlock struct {
	Type       string  `json:"type"`
	Content    string  `json:"content"`
	Confidence *string `json:"confidence"`
	ImageURL   string  `json:"image_url"`
	BBox       struct {
		Page   int      `json:"page"`
		Left   *float64 `json:"left"`
		Top    *float64 `json:"top"`
		Width  *float64 `json:"width"`
		Height *float64 `json:"height"`
	} `json:"bbox"`
}

type wireChunk struct {
	Content string      `json:"content"`
	Blocks  []wireBlock `json:"blocks"`
}

// wireFull is Reducto's FullResult ({type: "full", chunks}) or, unresolved,
// its UrlResult ({type: "url", url}).
type wireFull struct {
	Type   string      `json:"type"`
	Chunks []wireChunk `json:"chunks"`
}

// readParse reads a stored parse result: a ParseResponse ({result: {chunks}}),
// a bare full result ({chunks}), or a bare array of chunks (the URL form).
// A chunk without blocks becomes one text block. Blocks are put in page
// order, keeping Reducto's reading order within a page.
func readParse(raw []byte, r *Result) error {
	raw = bytes.TrimSpace(raw)
	var top struct {
		Usage    Usage     `json:"usage"`
		PDFURL   *string   `json:"pdf_url"`
		Result   *wireFull `json:"result"`
		wireFull           // a bare full result's own type and chunks
	}
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &top.Chunks); err != nil {
			return fmt.Errorf("read parse result: %w", err)
		}
	} else if err := json.Unmarshal(raw, &top); err != nil {
		// One pass reads the common shapes; a "result" that is a bare
		// array of chunks takes a second.
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field != "result" {
			return fmt.Errorf("read parse result: %w", err)
		}
		var arr struct {
			Result []wireChunk `json:"result"`
		}
		if err := json.Unmarshal(raw, &arr); err != nil {
			return fmt.Errorf("read parse result: %w", err)
		}
		top.Result = &wireFull{Chunks: arr.Result}
	}
	doc := &Doc{}
	if top.PDFURL != nil {
		doc.PDFURL = *top.PDFURL
	}
	chunks := top.Chunks
	if chunks == nil && top.Result != nil {
		chunks = top.Result.Chunks
		doc.URL = top.Result.Type == "url" && chunks == nil
	}
	doc.Chunks = chunkTexts(chunks)
	for ci, c := range chunks {
		if len(c.Blocks) == 0 {
			if strings.TrimSpace(c.Content) != "" {
				doc.Blocks = append(doc.Blocks, Block{Type: "Text", Content: c.Content, Chunk: ci})
			}
			continue
		}
		for _, wb := range c.Blocks {
			b := Block{Type: wb.Type, Content: wb.Content, Page: wb.BBox.Page, ImageURL: wb.ImageURL, Chunk: ci,
				Low: wb.Confidence != nil && strings.EqualFold(*wb.Confidence, "low")}
			if bb := wb.BBox; bb.Left != nil && bb.Top != nil && bb.Width != nil && bb.Height != nil {
				b.Box = &Box{*bb.Left, *bb.Top, *bb.Width, *bb.Height}
			}
			if b.Type == TypeTable {
				if t, ok := ParseTable(b.Content); ok {
					b.Table = &t
				}
			}
			doc.Blocks = append(doc.Blocks, b)
		}
	}
	// Reducto's chunks may group blocks across pages (section chunking);
	// people read in page order.
	// A block without a page stays after the block before it.
	keys := make([]int, len(doc.Blocks))
	last := 0
	for i, b := range doc.Blocks {
		if b.Page > 0 {
			last = b.Page
		}
		keys[i] = last
	}
	order := make([]int, len(doc.Blocks))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return keys[order[i]] < keys[order[j]] })
	sorted := make([]Block, len(doc.Blocks))
	for i, o := range order {
		sorted[i] = doc.Blocks[o]
	}
	doc.Blocks = sorted
	for i, b := range doc.Blocks {
		if b.Table != nil {
			doc.Tables = append(doc.Tables, i)
		}
		doc.Pages = max(doc.Pages, b.Page)
	}
	if top.Usage.Pages > 0 {
		doc.Pages = top.Usage.Pages
	}
	r.Parse, r.Usage = doc, top.Usage
	return nil
}

// TableName is the name of the doc's i-th table in exports: "Table 3 (p. 2)".
func (d *Doc) TableName(i int) string {
	b := d.Blocks[d.Tables[i]]
	if b.Page > 0 {
		return fmt.Sprintf("Table %d (p. %d)", i+1, b.Page)
	}
	return fmt.Sprintf("Table %d", i+1)
}

// ParseTables are the doc's tables with their names, in page order.
func (d *Doc) ParseTables() []NamedTable {
	out := make([]NamedTable, len(d.Tables))
	for i, bi := range d.Tables {
		out[i] = NamedTable{Name: d.TableName(i), Table: *d.Blocks[bi].Table}
	}
	return out
}

// BlockMarkdown is one block as Markdown: headings as headings, tables as
// pipe tables, figures with their caption (and image link).
func BlockMarkdown(b Block) string {
	text := strings.TrimSpace(b.Content)
	switch {
	case b.Type == TypeTitle:
		return "# " + oneLine(text)
	case b.Type == TypeSectionHeader:
		return "## " + oneLine(text)
	case b.Table != nil:
		return strings.TrimRight(b.Table.Markdown(), "\n")
	case b.Type == TypeFigure:
		if b.ImageURL != "" {
			return fmt.Sprintf("![%s](%s)\n\n_%s_", oneLine(text), b.ImageURL, text)
		}
		return "_Figure: " + text + "_"
	}
	return text
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Markdown is the whole parse as Markdown: the chunks' content, pages in
// order, a blank line between chunks (the contract's .parse.md, and what
// Export Markdown and Copy all give).
func (d *Doc) Markdown() string {
	return strings.Join(d.Chunks, "\n\n") + "\n"
}

// chunkTexts puts the chunks' content in page order (see Doc.Chunks).
func chunkTexts(chunks []wireChunk) []string {
	type paged struct {
		page int
		text string
	}
	ps := make([]paged, 0, len(chunks))
	last := 0
	for _, c := range chunks {
		page := 0
		for _, b := range c.Blocks {
			if p := b.BBox.Page; p > 0 && (page == 0 || p < page) {
				page = p
			}
		}
		if page == 0 {
			page = last
		}
		last = page
		if t := strings.TrimSpace(c.Content); t != "" {
			ps = append(ps, paged{page, t})
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].page < ps[j].page })
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.text
	}
	return out
}
