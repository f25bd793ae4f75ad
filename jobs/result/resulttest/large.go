// Package resulttest makes stored Reducto results for tests and
// benchmarks of the packages that read them (jobs/result, ui).
package resulttest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// LargeParse is a parse result of pages pages as Reducto shapes it: each
// page a section header, six paragraphs, a 20-row table with a merged
// header and a figure; one block in ten of low confidence.
func LargeParse(pages int) []byte {
	type bbox struct {
		Left, Top, Width, Height float64
		Page                     int `json:"page"`
	}
	type block struct {
		Type       string `json:"type"`
		Content    string `json:"content"`
		BBox       bbox   `json:"bbox"`
		Confidence string `json:"confidence"`
	}
	var chunks []map[string]any
	n := 0
	for p := 1; p <= pages; p++ {
		var blocks []block
		add := func(typ, content string) {
			n++
			conf := "high"
			if n%10 == 0 {
				conf = "low"
			}
			blocks = append(blocks, block{Type: typ, Content: content, BBox: bbox{0.1, 0.1, 0.8, 0.1, p}, Confidence: conf})
		}
		add("Section Header", fmt.Sprintf("Section %d", p))
		for i := 0; i < 6; i++ {
			add("Text", strings.Repeat(fmt.Sprintf("Paragraph %d of page %d says something about revenue and costs. ", i, p), 4))
		}
		var t strings.Builder
		t.WriteString(`<table><thead><tr><th rowspan="2">Item</th><th colspan="2">Amount</th><th>Note</th></tr><tr><th>Net</th><th>Gross</th><th></th></tr></thead><tbody>`)
		for r := 0; r < 20; r++ {
			fmt.Fprintf(&t, "<tr><td>Item %d.%d</td><td>%d.00</td><td>%d.19</td><td>ok</td></tr>", p, r, r*10, r*12)
		}
		t.WriteString("</tbody></table>")
		add("Table", t.String())
		add("Figure", fmt.Sprintf("Figure %d: costs by quarter", p))
		chunks = append(chunks, map[string]any{"content": "", "blocks": blocks})
	}
	b, _ := json.Marshal(map[string]any{"job_id": "big", "usage": map[string]any{"num_pages": pages, "credits": pages},
		"result": map[string]any{"type": "full", "chunks": chunks}})
	return b
}
