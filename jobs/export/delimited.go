package export

import (
	"bytes"
	"encoding/csv"

	"github.com/reductotray/reducto-tray/jobs/result"
)

// TSV is the table as tab-separated values, what a spreadsheet pastes as
// cells: one line per row; a cell holding a tab, a line break or a quote is
// quoted as spreadsheets expect, so every cell arrives exactly.
func TSV(t result.Table) string {
	return delimited(t.Rows, '\t')
}

// CSV is the table as comma-separated values (RFC 4180).
func CSV(t result.Table) []byte {
	return []byte(delimited(t.Rows, ','))
}

func delimited(rows [][]string, comma rune) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	_ = w.WriteAll(rows) // a bytes.Buffer does not fail
	return b.String()
}
