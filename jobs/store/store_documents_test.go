package store

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// TestDocumentKeptWithCompletionAndDeletedWithJob: an edit's filled
// document lands with its completion in one Update, reads back whole,
// is refused over the cap (and then nothing of the update lands), and goes
// when its job does.
func TestDocumentKeptWithCompletionAndDeletedWithJob(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	j := testJob(1)
	j.Kind, j.Options.Kind = jobs.KindEdit, jobs.KindEdit
	created, err := s.Create(ctx, []jobs.Job{j, testJob(2)})
	if err != nil {
		t.Fatal(err)
	}
	id, other := created[0].ID, created[1].ID
	if _, err := s.Document(ctx, id); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("Document before completion: %v, want ErrNotFound", err)
	}
	defer func(c int) { documentCap = c }(documentCap)
	documentCap = 1 << 10
	big := make([]byte, documentCap+1)
	if _, _, err := s.Update(ctx, other, jobs.StatusCompleted, Patch{Result: []byte(`{}`), Document: big}); err == nil {
		t.Fatal("a document over the cap was stored")
	}
	if cur, _ := s.Get(ctx, other); cur.Status == jobs.StatusCompleted {
		t.Error("the refused update completed the job all the same")
	}
	pdf := []byte("%PDF-1.7\nfilled form\n%%EOF\n")
	if _, changed, err := s.Update(ctx, id, jobs.StatusCompleted, Patch{Result: []byte(`{"document_url":"https://x"}`), Document: pdf}); err != nil || !changed {
		t.Fatalf("Update = %v, %v", changed, err)
	}
	got, err := s.Document(ctx, id)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("Document = %q, %v", got, err)
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM jobs WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM documents`).Scan(&n); err != nil || n != 0 {
		t.Errorf("documents left after the job went: %d, %v", n, err)
	}
}
