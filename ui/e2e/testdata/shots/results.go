package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

// quarterlyParse is a completed parse of a six-page report in the shape
// the simulator (jobs/reducto/reductotest) and Reducto give: a title,
// section headers, paragraphs, tables with a merged two-row header in
// HTML, a figure whose image is served by figures (loopback), a
// low-confidence handwritten note and page numbers.
func quarterlyParse(figures string) []byte {
	type bbox struct {
		Left, Top, Width, Height float64
		Page                     int `json:"page"`
	}
	type block struct {
		Type       string  `json:"type"`
		Content    string  `json:"content"`
		BBox       bbox    `json:"bbox"`
		Confidence string  `json:"confidence"`
		ImageURL   *string `json:"image_url,omitempty"`
	}
	type chunk struct {
		Content string  `json:"content"`
		Blocks  []block `json:"blocks"`
	}
	regions := []string{"North", "South", "East", "West"}
	table := func(p int) string {
		var b strings.Builder
		b.WriteString(`<table><tr><th rowspan="2">Region</th><th colspan="2">Revenue (EUR)</th><th rowspan="2">Units</th><th rowspan="2">Margin</th></tr><tr><th>Q1</th><th>Q2</th></tr>`)
		for i, r := range regions {
			fmt.Fprintf(&b, "<tr><td>%s</td><td>%d,%03d.00</td><td>%d,%03d.50</td><td>%d</td><td>%d.%d %%</td></tr>", r, p+i, 100+i*37, p+i+1, 210+i*41, 120*p+i*13, 18+i, p)
		}
		b.WriteString("</table>")
		return b.String()
	}
	const pages = 6
	var chunks []chunk
	for p := 1; p <= pages; p++ {
		var bs []block
		if p == 1 {
			bs = append(bs, block{Type: "Title", Content: "Quarterly report Q2 2026", BBox: bbox{0.1, 0.05, 0.8, 0.06, p}})
		} else {
			bs = append(bs, block{Type: "Section Header", Content: fmt.Sprintf("%d. Results by region", p), BBox: bbox{0.1, 0.05, 0.6, 0.04, p}})
		}
		bs = append(bs, block{Type: "Text", BBox: bbox{0.1, 0.15, 0.8, 0.2, p}, Content: fmt.Sprintf(
			"Revenue grew in every region this quarter; the table below compares the first two quarters by region, with units sold and the gross margin (page %d).", p)})
		if p%2 == 1 {
			bs = append(bs, block{Type: "Table", Content: table(p), BBox: bbox{0.1, 0.4, 0.8, 0.3, p}})
		}
		if p%2 == 0 {
			url := fmt.Sprintf("%s/figure/sample/%d.png", figures, p)
			bs = append(bs, block{Type: "Figure", Content: fmt.Sprintf("Figure %d: Quarterly revenue by region", p/2), BBox: bbox{0.15, 0.45, 0.7, 0.25, p}, ImageURL: &url})
		}
		if p == 3 {
			bs = append(bs, block{Type: "Comment", Content: "Approved, see amended total (handwritten)", BBox: bbox{0.62, 0.83, 0.3, 0.06, p}, Confidence: "low"})
		}
		bs = append(bs, block{Type: "Page Number", Content: fmt.Sprint(p), BBox: bbox{0.45, 0.95, 0.1, 0.02, p}})
		for i := range bs {
			if bs[i].Confidence == "" {
				bs[i].Confidence = "high"
			}
		}
		chunks = append(chunks, chunk{Content: "…", Blocks: bs})
	}
	b, err := json.Marshal(map[string]any{
		"job_id": "5f0c2e1a-93d4-4c7e-9a61-2b8f3d0e7c11", "duration": 6.4, "response_type": "parse",
		"usage":  map[string]any{"num_pages": pages, "credits": 6},
		"result": map[string]any{"type": "full", "chunks": chunks},
	})
	if err != nil {
		panic(err)
	}
	return b
}

// The canned engine chains nothing, but offers it: the detail shows the
// actions a completed parse has.

func (b *cannedBackend) Chain(context.Context, int64, jobs.Options) (jobs.Job, error) {
	return jobs.Job{}, fmt.Errorf("chaining is off in screenshots")
}
func (b *cannedBackend) Children(_ context.Context, id int64) ([]jobs.Job, error) {
	return b.children[id], nil
}
func (b *cannedBackend) SubmitWithPassword(context.Context, int64, string) (jobs.Job, error) {
	return jobs.Job{}, fmt.Errorf("submitting is off in screenshots")
}
