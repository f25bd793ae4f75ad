package result

import (
	"os"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseDocPageOrder(t *testing.T) {
	d, usage, err := parseDoc(readFixture(t, "parse.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range d.Blocks {
		got = append(got, b.Type)
	}
	// The second chunk's page-2 blocks come between the first chunk's
	// page-1 and page-3 blocks.
	want := "Title,Text,Table,Text,Section Header,Figure"
	if strings.Join(got, ",") != want {
		t.Fatalf("blocks = %s, want %s", strings.Join(got, ","), want)
	}
	if !d.Blocks[3].Low || d.Blocks[1].Low {
		t.Errorf("low confidence not kept: %+v", d.Blocks)
	}
	if len(d.Tables) != 1 || d.Blocks[d.Tables[0]].Table.Rows[2][0] != "North" {
		t.Fatalf("tables = %v", d.Tables)
	}
	if d.Pages != 3 || usage.Credits == nil || *usage.Credits != 4.5 {
		t.Errorf("pages %d, usage %+v", d.Pages, usage)
	}
	if d.Blocks[5].ImageURL == "" || !d.Blocks[0].Heading() {
		t.Error("figure image or title heading lost")
	}
	if d.TableName(0) != "Table 1 (p. 2)" {
		t.Errorf("table name %q", d.TableName(0))
	}
}

func TestParseDocShapes(t *testing.T) {
	// A bare array of chunks without blocks (the URL form), and an
	// unresolved URL result.
	d, _, err := parseDoc([]byte(`[{"content":"one"},{"content":"  "},{"content":"two"}]`))
	if err != nil || len(d.Blocks) != 2 || d.Blocks[1].Content != "two" {
		t.Fatalf("bare chunks: %+v, %v", d, err)
	}
	d, _, err = parseDoc([]byte(`{"result":{"type":"url","url":"https://x.invalid/r","result_id":"r"}}`))
	if err != nil || !d.URL || len(d.Blocks) != 0 {
		t.Fatalf("url result: %+v, %v", d, err)
	}
	// A response whose "result" is a bare array of chunks.
	d, _, err = parseDoc([]byte(`{"usage":{"num_pages":4},"pdf_url":"https://x.invalid/p.pdf","result":[{"content":"a"}]}`))
	if err != nil || len(d.Blocks) != 1 || d.Blocks[0].Content != "a" || d.Pages != 4 || d.PDFURL == "" {
		t.Fatalf("result as an array of chunks: %+v, %v", d, err)
	}
	for _, bad := range []string{`{"result":`, `{"result":5}`, `{"result":{"chunks":[{"blocks":[{"bbox":{"page":"2"}}]}]}}`} {
		if _, _, err := parseDoc([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// The Markdown is the chunks' content in page order (the contract's
// .parse.md): a chunk on page 2 goes before one whose first block is on
// page 3 even when Reducto sent it later; a chunk without blocks stays
// after the one before it; empty chunks leave no blank run.
func TestDocMarkdown(t *testing.T) {
	d, _, err := parseDoc([]byte(`{"result":{"type":"full","chunks":[
		{"content":"three","blocks":[{"type":"Text","content":"three","bbox":{"page":3}}]},
		{"content":"  "},
		{"content":"after three"},
		{"content":"two","blocks":[{"type":"Text","content":"two","bbox":{"page":2}},{"type":"Text","content":"four","bbox":{"page":4}}]}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Markdown(), "two\n\nthree\n\nafter three\n"; got != want {
		t.Errorf("markdown = %q, want %q", got, want)
	}
}
