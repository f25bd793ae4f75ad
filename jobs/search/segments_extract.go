package search

import (
	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func init() {
	registerSegments(jobs.KindExtract, func(r *result.Result) ([]store.SearchSegment, bool) {
		if r.Extract == nil {
			return nil, false
		}
		var segs []store.SearchSegment
		extractSegments(r.Extract, &segs)
		return segs, true
	})
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
