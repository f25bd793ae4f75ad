package outputs_test

import (
	"path/filepath"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/outputs"
)

// TestClassifyWritesTheCategory: scan.pdf's classify writes
// scan.classify.json holding the result payload, {"category": ...}.
func TestClassifyWritesTheCategory(t *testing.T) {
	d := doc(t, "scan.pdf")
	result := `{"response_type":"classify","job_id":"c1","result":{"category":"invoice"},"usage":{"num_pages":1,"num_categories":3,"credits":1},"duration":0.3}`
	paths, err := outputs.NewWriter(nil).Write(jobs.Job{File: d, Kind: jobs.KindClassify}, []byte(result))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || filepath.Base(paths[0]) != "scan.classify.json" {
		t.Fatalf("classify wrote %q, want scan.classify.json", paths)
	}
	sameJSON(t, []byte(read(t, paths[0])), []byte(`{"category":"invoice"}`))
}
