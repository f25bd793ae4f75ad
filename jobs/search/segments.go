// Package search keeps the full-text index of results (jobs/store's
// search tables) up to date: it reads each stored result with
// jobs/result's Read, turns it into index rows (a parse's pages with
// their blocks, an extract's fields, a split's sections) and writes them in
// small transactions, for results as they arrive and, in the background,
// for a history stored before the index existed.
package search

import (
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// Segments turns a stored result of kind k into rows of the index. A
// result with no text (an unresolved URL result, an empty extract) gives
// none.
func Segments(k jobs.Kind, raw []byte) ([]store.SearchSegment, error) {
	r, err := result.Read(k, raw)
	if err != nil {
		return nil, err
	}
	var segs []store.SearchSegment
	switch {
	case r.Parse != nil:
		segs = parseSegments(r.Parse)
	case r.Extract != nil:
		extractSegments(r.Extract, &segs)
	case r.Split != nil:
		splitSegments(r.Split, &segs)
	case r.Classify != nil:
		// One row: the category, so a search for "invoice" finds the
		// documents sorted into it.
		segs = []store.SearchSegment{{Field: "category", Block: -1, Parts: []string{r.Classify.Category}}}
	default:
		return nil, fmt.Errorf("no text to index in a %s result", k)
	}
	return segs, nil
}

// parseSegments is one row per page: its blocks' text in the order the
// result view lists them, so a hit's block index is the view's.
func parseSegments(doc *result.Doc) []store.SearchSegment {
	var segs []store.SearchSegment
	for i, b := range doc.Blocks {
		if n := len(segs); n > 0 && segs[n-1].Page == b.Page {
			segs[n-1].Parts = append(segs[n-1].Parts, b.Content)
			continue
		}
		segs = append(segs, store.SearchSegment{Page: b.Page, Block: i, Parts: []string{b.Content}})
	}
	return segs
}

// extractSegments is one row per value, on the page of its first citation.
func extractSegments(n *result.Node, segs *[]store.SearchSegment) {
	if n.Scalar {
		if n.Value == "" {
			return
		}
		sg := store.SearchSegment{Field: n.Path, Block: -1, Parts: []string{n.Value}}
		if len(n.Cites) > 0 {
			sg.Page = n.Cites[0].Page
		}
		*segs = append(*segs, sg)
		return
	}
	for _, c := range n.Children {
		extractSegments(c, segs)
	}
}

// splitSegments is one row per section name, on its first page.
func splitSegments(secs []result.Section, segs *[]store.SearchSegment) {
	for _, s := range secs {
		sg := store.SearchSegment{Block: -1, Parts: []string{s.Name}}
		if len(s.Pages) > 0 {
			sg.Page = s.Pages[0]
		}
		*segs = append(*segs, sg)
		splitSegments(s.Partitions, segs)
	}
}
