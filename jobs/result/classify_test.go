package result

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestReadClassify(t *testing.T) {
	r, err := Read(jobs.KindClassify, []byte(`{"response_type":"classify","job_id":"j","result":{"category":"invoice"},"usage":{"num_pages":2,"num_categories":3,"credits":1.5},"duration":0.4}`))
	if err != nil || r.Classify == nil {
		t.Fatalf("Read = %+v, %v", r, err)
	}
	if c := r.Classify; c.Category != "invoice" || c.Usage.Pages != 2 || c.Categories != 3 || c.Usage.Credits == nil || *c.Usage.Credits != 1.5 || r.Usage.Pages != 2 {
		t.Fatalf("classify = %+v", c)
	}
	for _, bad := range []string{`{"result":{}}`, `{"job_id":"j"}`, `[1]`, `nope`} {
		if _, err := Read(jobs.KindClassify, []byte(bad)); err == nil {
			t.Errorf("Read(%s) took it", bad)
		}
	}
}
