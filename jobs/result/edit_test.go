package result

import "testing"

func TestReadEdit(t *testing.T) {
	e, err := ReadEdit([]byte(`{"response_type":"edit","document_url":"https://s3/x.pdf?sig=1","form_schema":[{"type":"text"}],"usage":{"num_pages":2,"credits":4}}`))
	if err != nil || e.DocumentURL != "https://s3/x.pdf?sig=1" || e.Usage.NumPages != 2 || e.Usage.Credits == nil || *e.Usage.Credits != 4 || len(e.FormSchema) == 0 {
		t.Fatalf("ReadEdit = %+v, %v", e, err)
	}
	if e, err := ReadEdit([]byte(`{"result":{"document_url":"https://s3/y.pdf"}}`)); err != nil || e.DocumentURL != "https://s3/y.pdf" {
		t.Errorf("nested: %+v, %v", e, err)
	}
	for _, bad := range []string{`{}`, `{"document_url":""}`, `[1]`, `not json`} {
		if _, err := ReadEdit([]byte(bad)); err == nil {
			t.Errorf("ReadEdit(%s) read a result", bad)
		}
	}
}
