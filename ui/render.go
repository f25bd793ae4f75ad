package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

// maxRenderedMarkdown bounds the markdown handed to widget.RichText: a
// thousand-page parse would otherwise freeze the window while it lays out.
// Export writes the whole result.
const maxRenderedMarkdown = 256 << 10

// resultMarkdown turns a stored result into markdown: a parse's chunks in
// order, an extract's fields as a nested list, a split's sections with their
// pages. Anything it does not recognise is shown as a JSON block.
func resultMarkdown(kind jobs.Kind, raw []byte) string {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "_No result stored._"
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "```\n" + string(raw) + "\n```"
	}
	if chunks, ok := findChunks(v); ok && (kind == jobs.KindParse || kind == "") {
		return chunksMarkdown(chunks)
	}
	if splits, ok := findSplits(v); ok {
		return splitsMarkdown(splits)
	}
	if kind == jobs.KindExtract {
		if m, ok := v.(map[string]any); ok {
			if r, ok := m["result"]; ok {
				v = r
			}
		}
		var b strings.Builder
		valueMarkdown(&b, v, 0)
		return b.String()
	}
	if chunks, ok := findChunks(v); ok {
		return chunksMarkdown(chunks)
	}
	return "```\n" + prettyJSON(raw) + "\n```"
}

// findChunks looks for parse chunks where Reducto puts them: result.chunks
// of a ParseResponse, chunks of a bare full result, or a bare array of
// chunks (the URL-form result some docs describe).
func findChunks(v any) ([]any, bool) {
	switch t := v.(type) {
	case map[string]any:
		if c, ok := t["chunks"].([]any); ok {
			return c, true
		}
		if r, ok := t["result"]; ok {
			return findChunks(r)
		}
	case []any:
		if len(t) > 0 {
			if m, ok := t[0].(map[string]any); ok {
				if _, ok := m["content"]; ok {
					return t, true
				}
			}
		}
	}
	return nil, false
}

func chunksMarkdown(chunks []any) string {
	var b strings.Builder
	for i, c := range chunks {
		m, _ := c.(map[string]any)
		content, _ := m["content"].(string)
		if i > 0 {
			b.WriteString("\n\n---\n\n")
		}
		b.WriteString(strings.TrimSpace(content))
	}
	if b.Len() == 0 {
		return "_The document produced no text._"
	}
	return b.String()
}

func findSplits(v any) ([]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	if s, ok := m["splits"].([]any); ok {
		return s, true
	}
	if r, ok := m["result"]; ok {
		return findSplits(r)
	}
	return nil, false
}

func splitsMarkdown(splits []any) string {
	var b strings.Builder
	for _, s := range splits {
		m, _ := s.(map[string]any)
		name, _ := m["name"].(string)
		if name == "" {
			name = "(unnamed)"
		}
		fmt.Fprintf(&b, "## %s\n\n", name)
		fmt.Fprintf(&b, "Pages: %s", pagesText(m["pages"]))
		if conf, ok := m["conf"].(string); ok && conf != "" {
			fmt.Fprintf(&b, " (confidence %s)", conf)
		}
		b.WriteString("\n\n")
		if parts, ok := m["partitions"].([]any); ok {
			for _, p := range parts {
				pm, _ := p.(map[string]any)
				pn, _ := pm["name"].(string)
				fmt.Fprintf(&b, "- %s: pages %s\n", pn, pagesText(pm["pages"]))
			}
			b.WriteString("\n")
		}
	}
	return strings.TrimSpace(b.String())
}

func pagesText(v any) string {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(list))
	for _, p := range list {
		switch p := p.(type) {
		case json.Number:
			parts = append(parts, p.String())
		case map[string]any: // deep split: evidence objects carry a page
			parts = append(parts, fmt.Sprint(p["page"]))
		default:
			parts = append(parts, fmt.Sprint(p))
		}
	}
	return strings.Join(parts, ", ")
}

// valueMarkdown writes an extracted value as a nested bullet list, keys in
// a stable order.
func valueMarkdown(b *strings.Builder, v any, depth int) {
	indent := strings.Repeat("  ", depth)
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if isScalar(t[k]) {
				fmt.Fprintf(b, "%s- **%s**: %s\n", indent, k, scalarText(t[k]))
				continue
			}
			fmt.Fprintf(b, "%s- **%s**\n", indent, k)
			valueMarkdown(b, t[k], depth+1)
		}
	case []any:
		if len(t) == 0 {
			fmt.Fprintf(b, "%s- _(none)_\n", indent)
		}
		for i, e := range t {
			if isScalar(e) {
				fmt.Fprintf(b, "%s- %s\n", indent, scalarText(e))
				continue
			}
			fmt.Fprintf(b, "%s- item %d\n", indent, i+1)
			valueMarkdown(b, e, depth+1)
		}
	default:
		fmt.Fprintf(b, "%s%s\n", indent, scalarText(t))
	}
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

func scalarText(v any) string {
	switch t := v.(type) {
	case nil:
		return "_empty_"
	case string:
		if t == "" {
			return "_empty_"
		}
		return t
	default:
		return fmt.Sprint(t)
	}
}

// truncateMarkdown cuts md to maxRenderedMarkdown at a line boundary and
// says so.
func truncateMarkdown(md string) string {
	if len(md) <= maxRenderedMarkdown {
		return md
	}
	cut := strings.LastIndex(md[:maxRenderedMarkdown], "\n")
	if cut < 0 {
		cut = maxRenderedMarkdown
	}
	return md[:cut] + "\n\n_… shortened for display; Export gives the whole result._"
}
