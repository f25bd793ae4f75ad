package reductotest

import (
	"bytes"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

// parseBlocks decodes a completed parse result's blocks, page by page.
type parseBlocks struct {
	Usage struct {
		NumPages int      `json:"num_pages"`
		Credits  *float64 `json:"credits"`
	} `json:"usage"`
	Result struct {
		Chunks []struct {
			Blocks []struct {
				Type string `json:"type"`
				BBox struct {
					Left, Top, Width, Height float64
					Page                     int
				} `json:"bbox"`
				Content    string  `json:"content"`
				Confidence string  `json:"confidence"`
				ImageURL   *string `json:"image_url"`
			} `json:"blocks"`
		} `json:"chunks"`
	} `json:"result"`
}

func TestParseResultShowsTablesFiguresAndDoubts(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1})
	fid := upload(t, s, "report.pdf", 400<<10) // 7 pages
	j, _ := pollUntilTerminal(t, s, submit(t, s, "parse", map[string]any{"input": fid}))
	var res parseBlocks
	decode(t, j.Result, &res)
	if res.Usage.NumPages != 7 || len(res.Result.Chunks) != 7 || res.Usage.Credits == nil || *res.Usage.Credits != 7 {
		t.Fatalf("usage %+v, %d chunks", res.Usage, len(res.Result.Chunks))
	}
	kinds := map[string]int{}
	for i, c := range res.Result.Chunks {
		for _, b := range c.Blocks {
			kinds[b.Type]++
			if b.BBox.Page != i+1 || b.BBox.Left < 0 || b.BBox.Left+b.BBox.Width > 1 || b.BBox.Top+b.BBox.Height > 1 {
				t.Fatalf("page %d block %s bbox %+v: want normalised on its 1-based page", i+1, b.Type, b.BBox)
			}
			switch b.Type {
			case "Table":
				// Merged header rows, as Reducto returns them in HTML.
				if !strings.Contains(b.Content, `rowspan="2"`) || !strings.Contains(b.Content, `colspan="2"`) {
					t.Fatalf("table without merged header: %s", b.Content)
				}
			case "Figure":
				if b.ImageURL == nil || !strings.HasPrefix(b.Content, "Figure ") {
					t.Fatalf("figure without caption or image: %+v", b)
				}
				code, body, h := call(t, s, http.MethodGet, strings.TrimPrefix(*b.ImageURL, s.URL), nil)
				if _, err := png.Decode(bytes.NewReader(body)); code != 200 || err != nil || h.Get("Content-Type") != "image/png" {
					t.Fatalf("figure image %s: %d %v", *b.ImageURL, code, err)
				}
			case "Comment":
				if b.Confidence != "low" {
					t.Fatalf("the handwritten note should be low confidence: %+v", b)
				}
			}
		}
	}
	if kinds["Table"] != 2 || kinds["Figure"] != 1 || kinds["Comment"] != 1 || kinds["Title"] != 1 {
		t.Fatalf("block kinds %v", kinds)
	}
}

func TestMarkdownTableRepeatsTheMergedHeader(t *testing.T) {
	got := table("md", 3)
	if !strings.HasPrefix(got, "| Region | Revenue | Revenue | Units |\n| | Q1 | Q2 | |\n|---|") {
		t.Fatalf("markdown table:\n%s", got)
	}
}

func TestLockedDocumentAnswers442UntilThePasswordMatches(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1})
	fid := upload(t, s, "statement-locked.pdf", 10<<10)
	for _, pw := range []string{"", "wrong"} {
		body := map[string]any{"input": fid}
		if pw != "" {
			body["settings"] = map[string]any{"document_password": pw}
		}
		code, b, _ := call(t, s, http.MethodPost, "/parse_async", body)
		if code != 442 || !strings.Contains(string(b), "document_password") && !strings.Contains(string(b), "password") {
			t.Fatalf("password %q: %d %s, want 442", pw, code, b)
		}
	}
	id := submit(t, s, "parse", map[string]any{"input": fid, "settings": map[string]any{"document_password": SandboxPassword}})
	j := getJob(t, s, id)
	if j.RawConfig == nil || strings.Contains(*j.RawConfig, SandboxPassword) {
		t.Fatalf("raw_config echoes the password: %v", j.RawConfig)
	}
	if j, _ := pollUntilTerminal(t, s, id); j.Status != "Completed" {
		t.Fatalf("with the password: %s", j.Status)
	}
}

func TestJobIDInputReusesTheParseAndExpires(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1})
	fid := upload(t, s, "a.pdf", 10<<10)
	parse := submit(t, s, "parse", map[string]any{"input": fid})
	pollUntilTerminal(t, s, parse)
	schema := map[string]any{"type": "object", "properties": map[string]any{"total": map[string]any{"type": "number"}}}
	ext := submit(t, s, "extract", map[string]any{"input": "jobid://" + parse, "instructions": map[string]any{"schema": schema}})
	j, _ := pollUntilTerminal(t, s, ext)
	var res struct {
		Usage struct {
			Credits *float64 `json:"credits"`
		} `json:"usage"`
	}
	decode(t, j.Result, &res)
	if res.Usage.Credits == nil || *res.Usage.Credits != 1 {
		t.Fatalf("extract on a reused parse: credits %v, want 1 (the parse is not paid again)", res.Usage.Credits)
	}
	s.ExpireJob(parse)
	code, b, _ := call(t, s, http.MethodPost, "/extract_async", map[string]any{"input": "jobid://" + parse, "instructions": map[string]any{"schema": schema}})
	if code != 404 || !strings.Contains(string(b), "job_not_found") {
		t.Fatalf("extract on an expired parse: %d %s, want 404 as GET /job answers", code, b)
	}
}

func TestBatchLaneIsSlowerAndCheaper(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1})
	fid := upload(t, s, "a.pdf", 10<<10)
	normal := submit(t, s, "parse", map[string]any{"input": fid})
	batch := submit(t, s, "parse", map[string]any{"input": fid, "settings": map[string]any{"queue_priority": "batch"}})
	s.mu.Lock()
	nd, bd := s.state.jobs[normal].Dur, s.state.jobs[batch].Dur
	s.mu.Unlock()
	if bd < 4*nd/2 { // durations differ per job (2-4 s); batch runs 5 times longer
		t.Fatalf("batch %v vs normal %v: want much slower", bd, nd)
	}
	j, _ := pollUntilTerminal(t, s, batch)
	var res parseBlocks
	decode(t, j.Result, &res)
	if res.Usage.Credits == nil || *res.Usage.Credits != 0.8*float64(res.Usage.NumPages) {
		t.Fatalf("batch credits %v for %d pages, want 20%% fewer", res.Usage.Credits, res.Usage.NumPages)
	}
}
