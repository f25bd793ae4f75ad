package pages

import (
	"bytes"
	"fmt"
	"strings"
)

// SamplePage is one page of a generated PDF; positions are in points from
// the page's top-left corner, so tests and the sandbox know exactly where
// things are.
type SamplePage struct {
	Width, Height float64 // points; 0 means US Letter (612 x 792)
	Rects         []SampleRect
	Texts         []SampleText
}

// SampleRect is a filled rectangle.
type SampleRect struct {
	X, Y, W, H float64
	R, G, B    float64 // 0-1
}

// SampleText is a line of Helvetica (one of PDF's standard fonts, so no
// font is embedded) whose baseline starts at X, Y.
type SampleText struct {
	X, Y, Size float64
	Text       string
}

// SamplePDF writes a minimal valid PDF of the given pages: the layout the
// page view's tests assert pixels against and the sandbox's sample
// documents whose boxes land on their words.
func SamplePDF(pages []SamplePage) []byte {
	var objs []string // objs[i] is object i+1
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	catalog := add("") // filled below
	pagesObj := add("")
	font := add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var kids []string
	for _, p := range pages {
		w, h := p.Width, p.Height
		if w == 0 || h == 0 {
			w, h = 612, 792
		}
		var cs strings.Builder
		for _, r := range p.Rects {
			fmt.Fprintf(&cs, "%.3f %.3f %.3f rg %.2f %.2f %.2f %.2f re f\n", r.R, r.G, r.B, r.X, h-r.Y-r.H, r.W, r.H)
		}
		for _, t := range p.Texts {
			fmt.Fprintf(&cs, "0 0 0 rg BT /F1 %.2f Tf %.2f %.2f Td (%s) Tj ET\n", t.Size, t.X, h-t.Y, pdfString(t.Text))
		}
		content := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", cs.Len(), cs.String()))
		page := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>",
			pagesObj, w, h, font, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj)
	objs[pagesObj-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))

	return assemblePDF(objs, catalog)
}

// assemblePDF writes objs as objects 1..n, with a correct xref table and
// object root as the catalog.
func assemblePDF(objs []string, root int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, root, xref)
	return b.Bytes()
}

// pdfString escapes a literal string's delimiters.
func pdfString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return r.Replace(s)
}
