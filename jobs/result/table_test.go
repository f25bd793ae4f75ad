package result

import (
	"reflect"
	"testing"
)

// A two-row header where "Q1" spans two columns and "Region" spans both
// header rows: Reducto's HTML for merged header cells.
const mergedHTML = `<table>
<thead>
<tr><th rowspan="2">Region</th><th colspan="2">Q1</th><th>Total</th></tr>
<tr><th>Jan</th><th>Feb</th><th>EUR</th></tr>
</thead>
<tbody>
<tr><td>North</td><td>1,200</td><td>007</td><td>1 207</td></tr>
<tr><td>South<br>coast</td><td>3</td><td>4</td><td>7</td></tr>
</tbody></table>`

func TestParseTableHTMLMergedHeader(t *testing.T) {
	tb, ok := ParseTable(mergedHTML)
	if !ok {
		t.Fatal("not read as a table")
	}
	want := [][]string{
		{"Region", "Q1", "", "Total"},
		{"", "Jan", "Feb", "EUR"},
		{"North", "1,200", "007", "1 207"},
		{"South\ncoast", "3", "4", "7"},
	}
	if !reflect.DeepEqual(tb.Rows, want) {
		t.Fatalf("rows = %q, want %q", tb.Rows, want)
	}
	if tb.HeaderRows != 2 {
		t.Errorf("header rows = %d, want 2", tb.HeaderRows)
	}
	wantM := []Merge{{Row: 0, Col: 0, Rows: 2, Cols: 1}, {Row: 0, Col: 1, Rows: 1, Cols: 2}}
	if !reflect.DeepEqual(tb.Merges, wantM) {
		t.Errorf("merges = %+v, want %+v", tb.Merges, wantM)
	}
}

func TestParseTableHTMLWithoutThead(t *testing.T) {
	tb, ok := ParseTable(`<table><tr><th>a</th><th>b</th></tr><tr><td>1</td></tr><tr><td colspan="9999999">wide</td></tr></table>`)
	if !ok {
		t.Fatal("not read")
	}
	if tb.HeaderRows != 1 || tb.Cols() != maxSpan {
		t.Fatalf("header rows %d, cols %d; want 1 and the span bounded to %d", tb.HeaderRows, tb.Cols(), maxSpan)
	}
	if tb.Rows[1][0] != "1" || tb.Rows[1][1] != "" {
		t.Errorf("short row not padded: %q", tb.Rows[1][:2])
	}
}

func TestParseTableMarkdown(t *testing.T) {
	tb, ok := ParseTable("| Item | Amount |\n|:--|--:|\n| Pen \\| blue | 2.50 |\n| Ink | |\n")
	if !ok {
		t.Fatal("not read")
	}
	want := [][]string{{"Item", "Amount"}, {"Pen | blue", "2.50"}, {"Ink", ""}}
	if !reflect.DeepEqual(tb.Rows, want) || tb.HeaderRows != 1 {
		t.Fatalf("rows = %q (header %d), want %q", tb.Rows, tb.HeaderRows, want)
	}
	if _, ok := ParseTable("Just a paragraph of text."); ok {
		t.Error("plain text read as a table")
	}
}

func TestTableMarkdownRoundTrip(t *testing.T) {
	tb, _ := ParseTable(mergedHTML)
	back, ok := ParseTable(tb.Markdown())
	if !ok {
		t.Fatal("markdown not read back")
	}
	if !reflect.DeepEqual(back.Rows, tb.Rows) {
		t.Fatalf("markdown round trip = %q, want %q", back.Rows, tb.Rows)
	}
}
