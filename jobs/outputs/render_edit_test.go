package outputs_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/outputs"
)

// TestWriteEditFilledDocument: an edit writes form.edit.pdf beside
// form.pdf with the filled document the history keeps (not the result's
// JSON, which only links to it), and without a kept document writes
// nothing and says why.
func TestWriteEditFilledDocument(t *testing.T) {
	form := doc(t, "form.pdf")
	filled := "%PDF-1.7\nName: Ada\n%%EOF\n"
	w := outputs.NewWriter(nil)
	w.Document = func(id int64) ([]byte, error) {
		if id != 7 {
			return nil, jobs.ErrNotFound
		}
		return []byte(filled), nil
	}
	res := []byte(`{"response_type":"edit","document_url":"https://s3.example/x.pdf?sig=1"}`)
	paths, err := w.Write(jobs.Job{ID: 7, File: form, Kind: jobs.KindEdit}, res)
	if err != nil || len(paths) != 1 || paths[0] != filepath.Join(filepath.Dir(form), "form.edit.pdf") {
		t.Fatalf("Write = %v, %v", paths, err)
	}
	if got := read(t, paths[0]); got != filled {
		t.Errorf("form.edit.pdf = %q", got)
	}
	if got := outputs.Names(form, jobs.KindEdit); len(got) != 1 || got[0] != paths[0] {
		t.Errorf("Names = %v", got)
	}

	other := doc(t, "other.pdf")
	if paths, err := w.Write(jobs.Job{ID: 8, File: other, Kind: jobs.KindEdit}, res); err == nil || len(paths) != 0 || !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("no kept document: %v, %v", paths, err)
	}
	w.Document = func(int64) ([]byte, error) { return []byte("<html>"), nil }
	if _, err := w.Write(jobs.Job{ID: 7, File: other, Kind: jobs.KindEdit}, res); err == nil {
		t.Error("a kept document that is not a PDF was written")
	}
}
