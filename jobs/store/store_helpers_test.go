package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// newTestStore opens a fresh history in a folder whose name has a space, as
// user data folders often do.
func newTestStore(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "Reducto Tray data", "history.db")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, path
}

// testJob is a valid job to create; i makes its file and client reference
// unique.
func testJob(i int) jobs.Job {
	return jobs.Job{
		File:      fmt.Sprintf("/home/ann/Documents/report-%04d.pdf", i),
		Kind:      jobs.KindParse,
		Webhook:   jobs.WebhookNone,
		ClientRef: fmt.Sprintf("ref-%d-%d", i, time.Now().UnixNano()),
		Options:   jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookNone},
		Size:      int64(1000 + i),
	}
}

func mustCreate(t testing.TB, s *Store, js ...jobs.Job) []jobs.Job {
	t.Helper()
	out, err := s.Create(context.Background(), js)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return out
}

func mustUpdate(t testing.TB, s *Store, id int64, to jobs.Status, p Patch) (jobs.Job, bool) {
	t.Helper()
	j, changed, err := s.Update(context.Background(), id, to, p)
	if err != nil {
		t.Fatalf("Update(%d, %s): %v", id, to, err)
	}
	return j, changed
}

func ptr[T any](v T) *T { return &v }
