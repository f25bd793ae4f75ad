package reductotest

import (
	"bytes"
	"errors"
	"sync"
	"testing"
)

// layoutBlocks reads the blocks of a completed inline parse result.
func layoutBlocks(t *testing.T, j jobResp) [][]simBlock {
	t.Helper()
	var r struct {
		Result simFullResult `json:"result"`
	}
	decode(t, j.Result, &r)
	out := make([][]simBlock, len(r.Result.Chunks))
	for i, c := range r.Result.Chunks {
		out[i] = c.Blocks
	}
	return out
}

func TestLayoutHookGivesTheRealText(t *testing.T) {
	var mu sync.Mutex
	var seen []byte
	var seenName string
	layout := []LayoutPage{
		{Width: 612, Height: 792, Lines: []LayoutLine{{Text: "Invoice 42", Left: 0.1, Top: 0.1, Width: 0.3, Height: 0.03}}},
		{Width: 612, Height: 792, Lines: []LayoutLine{
			{Text: "Total due", Left: 0.2, Top: 0.5, Width: 0.2, Height: 0.02},
			{Text: "EUR 12.00", Left: 0.6, Top: 0.5, Width: 0.2, Height: 0.02},
		}},
		{Width: 612, Height: 792, Lines: []LayoutLine{{Text: "Thanks", Left: 0.1, Top: 0.9, Width: 0.1, Height: 0.02}}},
	}
	s := newTest(t, Config{JobRateLimit: -1, IdleEvery: -1, Layout: func(doc []byte, name string) ([]LayoutPage, error) {
		mu.Lock()
		defer mu.Unlock()
		seen, seenName = append([]byte(nil), doc...), name
		if name == "broken.pdf" {
			return nil, errors.New("cannot read")
		}
		return layout, nil
	}})

	id := submit(t, s, "parse", map[string]any{"input": upload(t, s, "invoice.pdf", 3000)})
	j, _ := pollUntilTerminal(t, s, id)
	mu.Lock()
	if seenName != "invoice.pdf" || !bytes.Equal(seen, bytes.Repeat([]byte("x"), 3000)) {
		t.Errorf("hook saw %q, %d bytes; want invoice.pdf and its 3000 bytes", seenName, len(seen))
	}
	mu.Unlock()
	if j.NumPages == nil || *j.NumPages != 3 {
		t.Errorf("num_pages %v, want the layout's 3", j.NumPages)
	}
	pages := layoutBlocks(t, j)
	if len(pages) != 3 || len(pages[1]) != 2 {
		t.Fatalf("blocks %+v; want 3 pages, 2 lines on the second", pages)
	}
	b := pages[1][1]
	if b.Content != "EUR 12.00" || b.BBox != (simBBox{0.6, 0.5, 0.2, 0.02, 2}) || b.Type != "Text" {
		t.Errorf("block %+v; want the line EUR 12.00 at its box on page 2", b)
	}

	// A page range keeps those pages of the layout, numbered from 1.
	id = submit(t, s, "parse", map[string]any{"input": upload(t, s, "invoice.pdf", 3000),
		"settings": map[string]any{"page_range": map[string]any{"start": 2, "end": 3}}})
	j, _ = pollUntilTerminal(t, s, id)
	pages = layoutBlocks(t, j)
	if len(pages) != 2 || pages[0][0].Content != "Total due" || pages[0][0].BBox.Page != 1 {
		t.Errorf("page range 2-3: %+v", pages)
	}

	// The hook failing: the made-up blocks, as without a hook.
	id = submit(t, s, "parse", map[string]any{"input": upload(t, s, "broken.pdf", 3000)})
	j, _ = pollUntilTerminal(t, s, id)
	pages = layoutBlocks(t, j)
	if len(pages) == 0 || pages[0][0].Type != "Title" || pages[0][0].Content != "broken" {
		t.Errorf("failed hook: %+v; want the simulator's own blocks", pages)
	}
}

func TestNoLayoutHookKeepsMadeUpBlocks(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1})
	id := submit(t, s, "parse", map[string]any{"input": upload(t, s, "invoice.pdf", 3000)})
	j, _ := pollUntilTerminal(t, s, id)
	pages := layoutBlocks(t, j)
	if len(pages) != 1 || pages[0][0].Content != "invoice" || pages[0][0].Type != "Title" {
		t.Errorf("blocks %+v; want the simulator's title block", pages)
	}
}
