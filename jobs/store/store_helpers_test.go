package jobs

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// newTestStore opens a fresh history in a folder whose name has a space, as
// user data folders often do.
func newTestStore(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "Reducto Tray data", "history.db")
	s, err := OpenStore(path)
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
func testJob(i int) Job {
	return Job{
		File:      fmt.Sprintf("/home/ann/Documents/report-%04d.pdf", i),
		Kind:      KindParse,
		Webhook:   WebhookNone,
		ClientRef: fmt.Sprintf("ref-%d-%d", i, time.Now().UnixNano()),
		Options:   Options{Kind: KindParse, Webhook: WebhookNone},
		Size:      int64(1000 + i),
	}
}

func mustCreate(t testing.TB, s *Store, js ...Job) []Job {
	t.Helper()
	out, err := s.Create(context.Background(), js)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return out
}

func mustUpdate(t testing.TB, s *Store, id int64, to Status, p Patch) (Job, bool) {
	t.Helper()
	j, changed, err := s.Update(context.Background(), id, to, p)
	if err != nil {
		t.Fatalf("Update(%d, %s): %v", id, to, err)
	}
	return j, changed
}

func ptr[T any](v T) *T { return &v }
