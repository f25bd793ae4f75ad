package search

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// TestClassifyIsIndexedByItsCategory: a classify's result is one row, its
// category, under the field "category"; a result without one is an error.
func TestClassifyIsIndexedByItsCategory(t *testing.T) {
	segs, err := Segments(jobs.KindClassify, []byte(`{"response_type":"classify","job_id":"c","result":{"category":"invoice"}}`))
	if err != nil || len(segs) != 1 || segs[0].Field != "category" || len(segs[0].Parts) != 1 || segs[0].Parts[0] != "invoice" {
		t.Fatalf("Segments = %+v, %v", segs, err)
	}
	if _, err := Segments(jobs.KindClassify, []byte(`{"result":{}}`)); err == nil {
		t.Error("a classify without a category was indexed")
	}
}
