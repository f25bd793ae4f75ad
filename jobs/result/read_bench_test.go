package result

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// bigParse is a ParseResponse of pages pages, each a heading, six
// paragraphs, a 20-row table with a merged header and a figure.
func bigParse(pages int) []byte {
	type block struct {
		Type    string         `json:"type"`
		Content string         `json:"content"`
		BBox    map[string]any `json:"bbox"`
	}
	var chunks []map[string]any
	for p := 1; p <= pages; p++ {
		box := map[string]any{"left": 0.1, "top": 0.1, "width": 0.8, "height": 0.1, "page": p}
		blocks := []block{{"Section Header", fmt.Sprintf("Section %d", p), box}}
		for i := 0; i < 6; i++ {
			blocks = append(blocks, block{"Text", strings.Repeat(fmt.Sprintf("Paragraph %d of page %d says something about revenue. ", i, p), 4), box})
		}
		var t strings.Builder
		t.WriteString(`<table><thead><tr><th rowspan="2">Item</th><th colspan="2">Amount</th></tr><tr><th>Net</th><th>Gross</th></tr></thead><tbody>`)
		for r := 0; r < 20; r++ {
			fmt.Fprintf(&t, "<tr><td>Item %d.%d</td><td>%d.00</td><td>%d.19</td></tr>", p, r, r*10, r*12)
		}
		t.WriteString("</tbody></table>")
		blocks = append(blocks, block{"Table", t.String(), box}, block{"Figure", fmt.Sprintf("Figure %d", p), box})
		chunks = append(chunks, map[string]any{"content": "", "blocks": blocks})
	}
	b, _ := json.Marshal(map[string]any{"job_id": "big", "usage": map[string]any{"num_pages": pages, "credits": pages},
		"result": map[string]any{"type": "full", "chunks": chunks}})
	return b
}

// BenchmarkReadParse reads a 300-page parse result into the model, as the
// result view, the outputs and the indexer each do once per result:
//
//	go test -run '^$' -bench ReadParse -benchmem ./jobs/result/
func BenchmarkReadParse(b *testing.B) {
	raw := bigParse(300)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Read(jobs.KindParse, raw)
		if err != nil || len(r.Parse.Tables) != 300 {
			b.Fatalf("%v, %d tables", err, len(r.Parse.Tables))
		}
	}
}
