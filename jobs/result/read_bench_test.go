package result

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result/resulttest"
)

// BenchmarkReadParse reads a 300-page parse result into the model, as the
// result view, the outputs and the indexer each do once per result:
//
//	go test -run '^$' -bench ReadParse -benchmem ./jobs/result/
func BenchmarkReadParse(b *testing.B) {
	raw := resulttest.LargeParse(300)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Read(jobs.KindParse, raw)
		if err != nil || len(r.Parse.Tables) != 300 {
			b.Fatalf("%v, %d tables", err, len(r.Parse.Tables))
		}
	}
}
