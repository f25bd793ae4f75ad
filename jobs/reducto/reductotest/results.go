package reductotest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// The result shapes below follow Reducto's SDK types (ParseResponse; an
// extract's and a split's are in kind_extract.go and kind_split.go); only the simulator needs them, so they
// live here rather than in package reducto.

type simBBox struct {
	Left   float64 `json:"left"`
	Top    float64 `json:"top"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Page   int     `json:"page"`
}

type simBlock struct {
	Type       string  `json:"type"`
	BBox       simBBox `json:"bbox"`
	Content    string  `json:"content"`
	Confidence string  `json:"confidence"`
	ImageURL   *string `json:"image_url,omitempty"`
}

type simChunk struct {
	Content           string     `json:"content"`
	Embed             string     `json:"embed"`
	Enriched          *string    `json:"enriched"`
	EnrichmentSuccess bool       `json:"enrichment_success"`
	Blocks            []simBlock `json:"blocks"`
}

type simFullResult struct {
	Type   string     `json:"type"`
	Chunks []simChunk `json:"chunks"`
	OCR    any        `json:"ocr"`
	Custom any        `json:"custom"`
}

type simURLResult struct {
	Type     string `json:"type"`
	URL      string `json:"url"`
	ResultID string `json:"result_id"`
}

type simUsage struct {
	NumPages  int      `json:"num_pages"`
	NumFields *int     `json:"num_fields,omitempty"`
	Credits   *float64 `json:"credits"`
}

type simParseResponse struct {
	JobID        string   `json:"job_id"`
	Duration     float64  `json:"duration"`
	Usage        simUsage `json:"usage"`
	Result       any      `json:"result"`
	PDFURL       *string  `json:"pdf_url"`
	StudioLink   string   `json:"studio_link"`
	ResponseType string   `json:"response_type"`
}

func (s *Server) studioLink(j *job) string {
	return "https://studio.reducto.ai/job/" + j.ID
}

func (s *Server) parseResultLocked(j *job) simParseResponse {
	var req reducto.ParseRequest
	_ = json.Unmarshal(j.RawConfig, &req) // validated at submission
	format := "dynamic"
	if req.Formatting != nil && req.Formatting.TableOutputFormat != "" {
		format = req.Formatting.TableOutputFormat
	}
	chunks := makeChunks(j, format, s.baseURL())
	if len(j.Layout) > 0 {
		chunks = layoutChunks(j.Layout)
	}
	resp := simParseResponse{
		JobID:        j.ID,
		Duration:     j.Dur.Seconds(),
		Usage:        simUsage{NumPages: j.Pages, Credits: jobCredits(j, 1)},
		StudioLink:   s.studioLink(j),
		ResponseType: "parse",
	}
	full := simFullResult{Type: "full", Chunks: chunks}
	force := s.cfg.URLResults || (req.Settings != nil && req.Settings.ForceURLResult)
	if !force {
		if b, err := json.Marshal(full); err == nil && len(b) > s.cfg.URLResultAbove {
			force = true
		}
	}
	if !force {
		resp.Result = full
		return resp
	}
	// Reducto's docs disagree on the downloaded shape (an object with
	// chunks, or a bare array of chunks); alternate so clients handle both.
	var blob any = full
	if s.state.urlResults%2 == 1 {
		blob = chunks
	}
	s.state.urlResults++
	b, _ := json.Marshal(blob)
	rid := uuid.NewString()
	s.state.results[rid] = b
	j.ResultID = rid
	resp.Result = simURLResult{Type: "url", URL: s.baseURL() + "/result/" + rid, ResultID: rid}
	return resp
}

// makeChunks writes one chunk per page, as Reducto's parse does with
// page chunking: a title (page 1) or a section header, a paragraph, a
// table with a merged two-row header on every third page (its cell values
// change with the page, so every table differs), a figure with its
// caption and image on every fourth page, a handwritten note Reducto is
// not sure of (confidence "low") on every fifth page, and the page
// number. Bounding boxes are normalised to the page (0-1) on 1-based
// pages. The sandbox is what people try first: this shows off every view.
func makeChunks(j *job, tableFormat string, imageBase string) []simChunk {
	name := j.FileName
	if name == "" {
		name = "document"
	}
	chunks := make([]simChunk, 0, j.Pages)
	for p := 1; p <= j.Pages; p++ {
		var blocks []simBlock
		if p == 1 {
			blocks = append(blocks, simBlock{Type: "Title", BBox: simBBox{0.1, 0.05, 0.8, 0.06, p},
				Content: strings.TrimSuffix(name, extOf(name)), Confidence: "high"})
		} else {
			blocks = append(blocks, simBlock{Type: "Section Header", BBox: simBBox{0.1, 0.05, 0.6, 0.04, p},
				Content: fmt.Sprintf("Section %d", p), Confidence: "high"})
		}
		blocks = append(blocks, simBlock{Type: "Text", BBox: simBBox{0.1, 0.15, 0.8, 0.3, p},
			Content: fmt.Sprintf("Page %d of %s. The simulated Reducto API wrote this paragraph so that "+
				"clients have realistic text to store, search and show.", p, name), Confidence: "high"})
		if p%3 == 0 {
			blocks = append(blocks, simBlock{Type: "Table", BBox: simBBox{0.1, 0.5, 0.8, 0.3, p},
				Content: table(tableFormat, p), Confidence: "high"})
		}
		if p%4 == 0 {
			fig := fmt.Sprintf("Figure %d: Quarterly revenue by region (page %d)", p/4, p)
			url := fmt.Sprintf("%s/figure/%s/%d.png", imageBase, j.ID, p)
			blocks = append(blocks, simBlock{Type: "Figure", BBox: simBBox{0.15, 0.55, 0.7, 0.25, p},
				Content: fig, Confidence: "high", ImageURL: &url})
		}
		if p%5 == 0 {
			blocks = append(blocks, simBlock{Type: "Comment", BBox: simBBox{0.62, 0.83, 0.3, 0.06, p},
				Content: "Approved, see amended total (handwritten)", Confidence: "low"})
		}
		blocks = append(blocks, simBlock{Type: "Page Number", BBox: simBBox{0.45, 0.95, 0.1, 0.02, p},
			Content: fmt.Sprint(p), Confidence: "high"})
		parts := make([]string, len(blocks))
		for i, b := range blocks {
			parts[i] = b.Content
		}
		content := strings.Join(parts, "\n\n")
		chunks = append(chunks, simChunk{Content: content, Embed: content, EnrichmentSuccess: true, Blocks: blocks})
	}
	return chunks
}

// table writes a table whose header spans two rows, as Reducto returns
// merged cells: HTML with rowspan/colspan (the default "dynamic" format
// gives HTML for tables with merged cells), or, asked for markdown, the
// spanning cell repeated on the first header row.
func table(format string, p int) string {
	regions := []string{"North", "South", "East"}
	if format == "md" || format == "markdown" {
		var b strings.Builder
		b.WriteString("| Region | Revenue | Revenue | Units |\n| | Q1 | Q2 | |\n|---|---|---|---|\n")
		for i, r := range regions {
			fmt.Fprintf(&b, "| %s | %d.00 | %d.50 | %d |\n", r, p*100+i*10, p*110+i*10, p+i)
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	var b strings.Builder
	b.WriteString(`<table><tr><th rowspan="2">Region</th><th colspan="2">Revenue</th><th rowspan="2">Units</th></tr><tr><th>Q1</th><th>Q2</th></tr>`)
	for i, r := range regions {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%d.00</td><td>%d.50</td><td>%d</td></tr>", r, p*100+i*10, p*110+i*10, p+i)
	}
	b.WriteString("</table>")
	return b.String()
}
