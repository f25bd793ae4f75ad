package search

import (
	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// A classify is one row: its category, so a search for "invoice" finds
// the documents sorted into it.
func init() {
	registerSegments(jobs.KindClassify, func(r *result.Result) ([]store.SearchSegment, bool) {
		if r.Classify == nil {
			return nil, false
		}
		return []store.SearchSegment{{Field: "category", Block: -1, Parts: []string{r.Classify.Category}}}, true
	})
}
