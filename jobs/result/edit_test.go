package result

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestReadEdit(t *testing.T) {
	r, err := Read(jobs.KindEdit, []byte(`{"response_type":"edit","document_url":"https://s3/x.pdf?sig=1","form_schema":[{"type":"text"}],"usage":{"num_pages":2,"credits":4}}`))
	if err != nil || r.Edit == nil {
		t.Fatalf("Read = %+v, %v", r, err)
	}
	if e := r.Edit; e.DocumentURL != "https://s3/x.pdf?sig=1" || r.Usage.Pages != 2 || r.Usage.Credits == nil || *r.Usage.Credits != 4 || len(e.FormSchema) == 0 {
		t.Fatalf("edit = %+v, usage %+v", e, r.Usage)
	}
	if r, err := Read(jobs.KindEdit, []byte(`{"result":{"document_url":"https://s3/y.pdf"}}`)); err != nil || r.Edit.DocumentURL != "https://s3/y.pdf" {
		t.Errorf("nested: %+v, %v", r, err)
	}
	for _, bad := range []string{`{}`, `{"document_url":""}`, `[1]`, `not json`} {
		if _, err := Read(jobs.KindEdit, []byte(bad)); err == nil {
			t.Errorf("Read(%s) read an edit", bad)
		}
	}
}
