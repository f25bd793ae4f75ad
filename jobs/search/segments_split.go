package search

import (
	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func init() {
	registerSegments(jobs.KindSplit, func(r *result.Result) ([]store.SearchSegment, bool) {
		if r.Split == nil {
			return nil, false
		}
		var segs []store.SearchSegment
		splitSegments(r.Split, &segs)
		return segs, true
	})
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
