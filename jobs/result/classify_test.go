package result

import "testing"

func TestReadClassify(t *testing.T) {
	c, err := ReadClassify([]byte(`{"response_type":"classify","job_id":"j","result":{"category":"invoice"},"usage":{"num_pages":2,"num_categories":3,"credits":1.5},"duration":0.4}`))
	if err != nil || c.Category != "invoice" || c.Usage.NumPages != 2 || c.Usage.NumCategories != 3 || c.Usage.Credits == nil || *c.Usage.Credits != 1.5 {
		t.Fatalf("ReadClassify = %+v, %v", c, err)
	}
	for _, bad := range []string{`{"result":{}}`, `{"job_id":"j"}`, `[1]`, `nope`} {
		if _, err := ReadClassify([]byte(bad)); err == nil {
			t.Errorf("ReadClassify(%s) took it", bad)
		}
	}
}
