package export

import (
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/result"
)

func TestTSVKeepsExactCells(t *testing.T) {
	tb, _ := result.ParseTable(`<table><tr><th>a</th><th>b</th></tr><tr><td>x</td><td>"q"</td></tr><tr><td>line<br>two</td><td>3</td></tr></table>`)
	tb.Rows[1][0] = "tab\there" // a cell a naive join would split
	r := csv.NewReader(strings.NewReader(TSV(tb)))
	r.Comma = '\t'
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tb.Rows) {
		t.Fatalf("TSV read back = %q, want %q", got, tb.Rows)
	}
}
