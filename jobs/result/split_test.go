package result

import (
	"reflect"
	"testing"
)

func TestSplitSectionsDeepEvidence(t *testing.T) {
	secs, _, err := splitSections([]byte(`{"splits":[{"name":"A","pages":[{"page":4,"text":"x"},{"page":2},{"page":4}],"partitions":[{"name":"p","pages":[2]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(secs[0].Pages, []int{2, 4}) || len(secs[0].Partitions) != 1 || secs[0].PageRanges() != "2, 4" {
		t.Fatalf("sections = %+v", secs)
	}
	if got := (Section{Pages: []int{1, 2, 3, 7}}).Ranges("-"); got != "1-3, 7" {
		t.Errorf("ranges for a PDF tool = %q", got)
	}
}
