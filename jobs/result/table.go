package result

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Table is a table block as a grid: Rows[r][c] is the text of one cell, every
// row as long as the widest. A merged cell's text is in its top-left cell and
// the cells it covers are empty; Merges says which they are (an XLSX merges
// them again), so copying, CSV and the view all see the same grid.
type Table struct {
	Rows [][]string
	// HeaderRows is how many leading rows are headers (<thead>, or rows of
	// <th> cells, or a markdown table's first row).
	HeaderRows int
	Merges     []Merge
}

// Merge is a cell spanning Rows x Cols cells from (Row, Col), 0-based.
type Merge struct{ Row, Col, Rows, Cols int }

// Cols is the number of columns.
func (t Table) Cols() int {
	if len(t.Rows) == 0 {
		return 0
	}
	return len(t.Rows[0])
}

// maxSpan bounds rowspan and colspan: a malformed table asking for a
// million columns must not allocate them.
const maxSpan = 1000

// ParseTable reads a table block's content: HTML (Reducto's default table
// format, with rowspan/colspan for merged header rows) or a markdown pipe
// table. ok is false when the content is neither.
func ParseTable(content string) (t Table, ok bool) {
	s := strings.TrimSpace(content)
	if strings.Contains(strings.ToLower(s), "<table") {
		return parseHTMLTable(s)
	}
	return parseMarkdownTable(s)
}

// parseHTMLTable lays the first <table>'s cells onto a grid, honouring
// rowspan and colspan the way browsers do: a cell goes into the first free
// column of its row, and a spanning cell reserves the cells below it.
func parseHTMLTable(s string) (Table, bool) {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return Table{}, false
	}
	tbl := find(doc, atom.Table)
	if tbl == nil {
		return Table{}, false
	}
	var t Table
	taken := map[[2]int]bool{} // cells reserved by spans from rows above
	row := 0
	headerDone := false
	var walkRows func(n *html.Node, inHead bool)
	walkRows = func(n *html.Node, inHead bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Thead:
				walkRows(c, true)
			case atom.Tbody, atom.Tfoot:
				walkRows(c, false)
			case atom.Table: // a nested table is a cell's text, not rows
			case atom.Tr:
				allTH := true
				col := 0
				for cell := c.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.DataAtom != atom.Td && cell.DataAtom != atom.Th {
						continue
					}
					if cell.DataAtom == atom.Td {
						allTH = false
					}
					for taken[[2]int{row, col}] {
						col++
					}
					rs, cs := span(cell, "rowspan"), span(cell, "colspan")
					setCell(&t, row, col, cellText(cell))
					if rs > 1 || cs > 1 {
						t.Merges = append(t.Merges, Merge{Row: row, Col: col, Rows: rs, Cols: cs})
					}
					for dr := 0; dr < rs; dr++ {
						for dc := 0; dc < cs; dc++ {
							taken[[2]int{row + dr, col + dc}] = true
							if dr > 0 || dc > 0 {
								setCell(&t, row+dr, col+dc, "")
							}
						}
					}
					col += cs
				}
				if !headerDone && (inHead || allTH) && row < len(t.Rows) {
					t.HeaderRows = row + 1
				} else {
					headerDone = true
				}
				row++
			}
		}
	}
	walkRows(tbl, false)
	if len(t.Rows) == 0 {
		return Table{}, false
	}
	// A header row's span reaching into the body still counts as header.
	for _, m := range t.Merges {
		if m.Row < t.HeaderRows && m.Row+m.Rows > t.HeaderRows {
			t.HeaderRows = m.Row + m.Rows
		}
	}
	if t.HeaderRows >= len(t.Rows) {
		t.HeaderRows = 0 // all headers and no body: treat as body
	}
	square(&t)
	return t, true
}

func find(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, a); f != nil {
			return f
		}
	}
	return nil
}

func span(n *html.Node, name string) int {
	for _, a := range n.Attr {
		if a.Key == name {
			v, err := strconv.Atoi(strings.TrimSpace(a.Val))
			if err != nil || v < 1 {
				return 1
			}
			return min(v, maxSpan)
		}
	}
	return 1
}

// cellText is a cell's text with runs of whitespace made one space and <br>
// kept as a line break (a cell of two lines stays two lines in a sheet).
func cellText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.DataAtom == atom.Br:
			b.WriteString("\n")
		case n.Type == html.ElementNode && (n.DataAtom == atom.P || n.DataAtom == atom.Div || n.DataAtom == atom.Li) && b.Len() > 0:
			b.WriteString("\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	lines := strings.Split(b.String(), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func setCell(t *Table, r, c int, v string) {
	for len(t.Rows) <= r {
		t.Rows = append(t.Rows, nil)
	}
	for len(t.Rows[r]) <= c {
		t.Rows[r] = append(t.Rows[r], "")
	}
	if v != "" || t.Rows[r][c] == "" {
		t.Rows[r][c] = v
	}
}

// square pads every row to the widest.
func square(t *Table) {
	w := 0
	for _, r := range t.Rows {
		w = max(w, len(r))
	}
	for i, r := range t.Rows {
		for len(r) < w {
			r = append(r, "")
		}
		t.Rows[i] = r
	}
}

// parseMarkdownTable reads a pipe table: rows of "| a | b |", the second
// line a separator of dashes (then the first row is the header).
func parseMarkdownTable(s string) (Table, bool) {
	var t Table
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !strings.Contains(line, "|") {
			return Table{}, false
		}
		cells := splitPipes(line)
		if isSeparator(cells) {
			if i > 0 && len(t.Rows) == 1 {
				t.HeaderRows = 1
			}
			continue
		}
		t.Rows = append(t.Rows, cells)
	}
	if len(t.Rows) == 0 {
		return Table{}, false
	}
	square(&t)
	return t, true
}

func splitPipes(line string) []string {
	line = strings.TrimPrefix(strings.TrimSuffix(line, "|"), "|")
	var cells []string
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			b.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(line[i])
		}
	}
	cells = append(cells, strings.TrimSpace(b.String()))
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(c, "<br>", "\n")
	}
	return cells
}

func isSeparator(cells []string) bool {
	for _, c := range cells {
		c = strings.Trim(c, ":- ")
		if c != "" {
			return false
		}
	}
	return len(cells) > 0
}

// Markdown is the table as a GitHub pipe table; with no header rows the
// first row serves as the header, as pipe tables require one.
func (t Table) Markdown() string {
	if len(t.Rows) == 0 {
		return ""
	}
	var b strings.Builder
	esc := func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", "<br>")
	}
	row := func(r []string) {
		b.WriteString("|")
		for _, c := range r {
			b.WriteString(" " + esc(c) + " |")
		}
		b.WriteString("\n")
	}
	// Pipe tables have one header line: further header rows follow it.
	for i, r := range t.Rows {
		row(r)
		if i == 0 {
			b.WriteString("|" + strings.Repeat(" --- |", len(r)) + "\n")
		}
	}
	return b.String()
}
