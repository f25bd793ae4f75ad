// Package export reads Reducto results into shapes people use (a parse's
// blocks in page order with its tables as grids, an extract's fields, a
// split's sections) and writes them out of the app: Markdown, JSON, one CSV
// per table, an XLSX workbook with one sheet per table, TSV for the
// clipboard, and a split's sections as PDFs of their own. The result view
// (ui/result*.go) reads tables through this package too, so what is shown
// and what is exported are the same cells. No Fyne here.
package export

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// decode reads a stored result keeping numbers exact (json.Number), so an
// amount exported to CSV is the text Reducto sent, not a float's rounding.
func decode(raw []byte) (any, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	return v, nil
}

// Pretty returns the result indented for reading and for the JSON export;
// a result that is not JSON comes back as it is.
func Pretty(raw []byte) []byte {
	var b bytes.Buffer
	if err := json.Indent(&b, bytes.TrimSpace(raw), "", "  "); err != nil {
		return raw
	}
	b.WriteByte('\n')
	return b.Bytes()
}
