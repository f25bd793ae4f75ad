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
	seg, ok := segmenters[k]
	if ok {
		segs, ok = seg(r)
	}
	if !ok {
		return nil, fmt.Errorf("no text to index in a %s result", k)
	}
	return segs, nil
}

// segmenters turn a result of their kind into index rows, false when it
// has nothing to index; each kind with text to search registers its own
// from its file (segments_<kind>.go). A kind without one is not indexed.
var segmenters = map[jobs.Kind]func(r *result.Result) ([]store.SearchSegment, bool){}

// registerSegments adds kind's segmenter; called from its file's init.
func registerSegments(kind jobs.Kind, seg func(r *result.Result) ([]store.SearchSegment, bool)) {
	if _, dup := segmenters[kind]; dup {
		panic("search: segments of " + string(kind) + " registered twice")
	}
	segmenters[kind] = seg
}
