package store

import (
	"context"
	"testing"
)

// BenchmarkStoreSearchStart is what this version adds to a start on the
// 1,000,000-job history with no stored result (the common case): the
// indexer's first look (SearchProgress, SearchDue) after Open. Open alone
// is measured beside it.
func BenchmarkStoreSearchStart(b *testing.B) {
	path := benchFixture(b)
	ctx := context.Background()
	b.Run("open", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
	b.Run("open+index-check", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			if done, total, err := s.SearchProgress(ctx); err != nil || done != 0 || total != 0 {
				b.Fatalf("progress %d/%d %v", done, total, err)
			}
			if due, err := s.SearchDue(ctx, 0, 64); err != nil || len(due) != 0 {
				b.Fatalf("due %v %v", due, err)
			}
			s.Close()
		}
	})
}
