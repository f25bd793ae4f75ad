package outputs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

// render returns the content of each output file of a job of kind, in the
// order of suffixes(kind). result is the result as the history keeps it:
// Reducto's whole response (ParseResponse, ExtractResponse, SplitResponse)
// with a URL-form result already resolved into "result" by the engine, or,
// when the response itself was a URL result, the resolved full result.
// document reads the document the history keeps beside the result (an
// edit's filled PDF), for the kinds that write it.
func render(kind jobs.Kind, result []byte, document func() ([]byte, error)) ([][]byte, error) {
	result = bytes.TrimSpace(result)
	if len(result) == 0 || string(result) == "null" {
		return nil, errors.New("the job has no result")
	}
	if !json.Valid(result) {
		return nil, fmt.Errorf("the result is not valid JSON (%d bytes)", len(result))
	}
	r, ok := renderers[kind]
	if !ok {
		return nil, fmt.Errorf("no outputs for kind %q", kind)
	}
	return r(result, document)
}

// renderer turns a job's stored result (and, for a kind that keeps one,
// its document) into the content of each of its kind's output files
// (KindSpec.Outputs), in that order.
type renderer func(result []byte, document func() ([]byte, error)) ([][]byte, error)

// renderers are the kinds' renderers; each kind registers its own.
var renderers = map[jobs.Kind]renderer{
	jobs.KindParse:   renderParse,
	jobs.KindExtract: renderPayload,
	jobs.KindSplit:   renderPayload,
}

// renderParse writes a parse as Markdown and as the whole result.
func renderParse(result []byte, _ func() ([]byte, error)) ([][]byte, error) {
	md, err := parseMarkdown(result)
	if err != nil {
		return nil, err
	}
	full, err := indent(result)
	if err != nil {
		return nil, err
	}
	return [][]byte{md, full}, nil
}

// renderPayload writes the payload only: what was extracted, or the splits
// with their section mapping; usage and links stay in the history.
func renderPayload(result []byte, _ func() ([]byte, error)) ([][]byte, error) {
	p, err := indent(payload(result))
	if err != nil {
		return nil, err
	}
	return [][]byte{p}, nil
}

// payload is the response's "result" field, or the whole result when it
// has none (a result stored in another shape is written as it is).
func payload(result []byte) []byte {
	var top map[string]json.RawMessage
	if json.Unmarshal(result, &top) == nil {
		if p, ok := top["result"]; ok {
			return p
		}
	}
	return result
}

// indent pretty-prints JSON for the people who open the file.
func indent(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b) + len(b)/4)
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return nil, fmt.Errorf("format result: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// chunk is what the markdown needs of Reducto's Chunk.
type chunk struct {
	Content string `json:"content"`
	Blocks  []struct {
		BBox struct {
			Page int `json:"page"`
		} `json:"bbox"`
	} `json:"blocks"`
}

// fullResult is Reducto's FullResult, or a response around one.
type fullResult struct {
	Type   string          `json:"type"`
	URL    string          `json:"url"`
	Chunks []chunk         `json:"chunks"`
	Result json.RawMessage `json:"result"`
}

// parseMarkdown joins the chunks' content, pages in order: chunks are
// sorted (stably) by the first page their blocks sit on, so a result whose
// chunks arrive out of page order still reads front to back, and chunks on
// one page keep Reducto's reading order.
func parseMarkdown(result []byte) ([]byte, error) {
	chunks, err := chunksOf(result, 0)
	if err != nil {
		return nil, err
	}
	type paged struct {
		page int
		text string
	}
	ps := make([]paged, 0, len(chunks))
	last := 0
	for _, c := range chunks {
		page := 0
		for _, b := range c.Blocks {
			if p := b.BBox.Page; p > 0 && (page == 0 || p < page) {
				page = p
			}
		}
		if page == 0 {
			page = last // a chunk without blocks stays after its predecessor
		}
		last = page
		ps = append(ps, paged{page, strings.TrimSpace(c.Content)})
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].page < ps[j].page })
	var buf bytes.Buffer
	for _, p := range ps {
		if p.text == "" {
			continue
		}
		if buf.Len() > 0 {
			buf.WriteString("\n\n")
		}
		buf.WriteString(p.text)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// chunksOf finds the chunks in a parse result: a FullResult, a response
// whose "result" is one, or a bare array of chunks.
func chunksOf(b []byte, depth int) ([]chunk, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var cs []chunk
		if err := json.Unmarshal(b, &cs); err != nil {
			return nil, fmt.Errorf("read the parse result's chunks: %w", err)
		}
		return cs, nil
	}
	var fr fullResult
	if err := json.Unmarshal(b, &fr); err != nil {
		return nil, fmt.Errorf("read the parse result: %w", err)
	}
	switch {
	case fr.Type == "url":
		return nil, errors.New("the parse result is still a URL (not downloaded)")
	case fr.Chunks != nil:
		return fr.Chunks, nil
	case len(fr.Result) > 0 && depth == 0:
		return chunksOf(fr.Result, depth+1)
	}
	return nil, errors.New("the parse result has no chunks")
}
