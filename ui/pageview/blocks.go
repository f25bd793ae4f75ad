package pageview

import (
	"image/color"

	"github.com/reductotray/reducto-tray/jobs/result"
)

// Block is one block of a result drawn on the page view.
type Block struct {
	Index int        // the block's index in the result (result.Doc.Blocks)
	Type  string     // Reducto's block type: Title, Text, Table, Figure...
	Page  int        // 1-based
	Box   result.Box // normalised 0-1 from the page's top-left
	Low   bool       // Reducto's confidence is low
}

// Blocks lists the blocks of a parse that have a place on a page.
func Blocks(d *result.Doc) []Block {
	if d == nil {
		return nil
	}
	var out []Block
	for i, b := range d.Blocks {
		if b.Box == nil || b.Page < 1 || b.Box.Width <= 0 || b.Box.Height <= 0 {
			continue
		}
		out = append(out, Block{Index: i, Type: b.Type, Page: b.Page, Box: *b.Box, Low: b.Low})
	}
	return out
}

// blockColor is the stroke of a block type's boxes: headings purple, text
// blue, tables green, figures orange, page furniture grey.
func blockColor(typ string) color.NRGBA {
	switch typ {
	case result.TypeTitle, result.TypeSectionHeader:
		return color.NRGBA{R: 0x8e, G: 0x44, B: 0xad, A: 0xff}
	case result.TypeTable:
		return color.NRGBA{R: 0x27, G: 0xae, B: 0x60, A: 0xff}
	case result.TypeFigure:
		return color.NRGBA{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff}
	case result.TypeHeader, result.TypeFooter, result.TypePageNumber:
		return color.NRGBA{R: 0x7f, G: 0x8c, B: 0x8d, A: 0xff}
	case "List Item", "Key Value":
		return color.NRGBA{R: 0x16, G: 0xa0, B: 0x85, A: 0xff}
	}
	return color.NRGBA{R: 0x29, G: 0x80, B: 0xb9, A: 0xff}
}

// lowColor marks a low-confidence block: a red corner flag and tint.
var lowColor = color.NRGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
