package search

import (
	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func init() {
	registerSegments(jobs.KindParse, func(r *result.Result) ([]store.SearchSegment, bool) {
		if r.Parse == nil {
			return nil, false
		}
		return parseSegments(r.Parse), true
	})
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
