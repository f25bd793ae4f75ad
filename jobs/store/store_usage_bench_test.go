package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var (
	usageFixtureOnce sync.Once
	usageFixturePath string
	usageFixtureErr  error
)

// usageFixture is a history of benchRows finished jobs over 2025 (a job
// every 31.5 s, kinds and presets mixed), inserted in SQL through the real
// schema and triggers, built once and kept in the temp folder.
func usageFixture(b *testing.B) *Store {
	if testing.Short() {
		b.Skip("the 1,000,000-row fixture is skipped in -short mode")
	}
	usageFixtureOnce.Do(func() {
		usageFixturePath = filepath.Join(os.TempDir(), fmt.Sprintf("reducto-tray-usage-s%d-%d.db", len(migrations), benchRows))
		if _, err := os.Stat(usageFixturePath); err == nil {
			return
		}
		tmp := usageFixturePath + fmt.Sprintf(".building-%d", os.Getpid())
		s, err := Open(tmp)
		if err != nil {
			usageFixtureErr = err
			return
		}
		_, usageFixtureErr = s.w.ExecContext(context.Background(), `
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO jobs(job_id, file, name, kind, status, webhook, client_ref, pages, credits, preset, created_at, updated_at, completed_at)
SELECT 'j' || i, '/docs/d' || i || '.pdf', 'd' || i || '.pdf',
	CASE i % 10 WHEN 0 THEN 'split' WHEN 1 THEN 'extract' WHEN 2 THEN 'extract' ELSE 'parse' END,
	CASE WHEN i % 100 < 90 THEN 'completed' ELSE 'failed' END, 'svix', 'ref-' || i,
	1 + i % 40, CASE WHEN i % 100 < 90 THEN (1 + i % 40) * 1.0 END,
	CASE i % 4 WHEN 0 THEN 'invoices' WHEN 1 THEN 'contracts' ELSE '' END,
	? + i * 31536, ? + i * 31536 + 40000, ? + i * 31536 + 40000
FROM n`, benchRows, unixMS(benchBase), unixMS(benchBase), unixMS(benchBase))
		s.Close()
		if usageFixtureErr == nil {
			usageFixtureErr = os.Rename(tmp, usageFixturePath)
		}
	})
	if usageFixtureErr != nil {
		b.Fatalf("usage fixture: %v", usageFixtureErr)
	}
	s, err := Open(usageFixturePath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkStoreUsage reads a month and a year of per-day usage from the
// 1,000,000-job history.
func BenchmarkStoreUsage(b *testing.B) {
	s := usageFixture(b)
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		from, to time.Time
	}{
		{"month", benchBase.AddDate(0, 5, 0), benchBase.AddDate(0, 6, 0)},
		{"year", benchBase, benchBase.AddDate(1, 0, 0)},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				u, err := s.Usage(ctx, c.from, c.to, time.UTC)
				if err != nil || len(u.Rows) == 0 {
					b.Fatalf("usage: %d rows, %v", len(u.Rows), err)
				}
			}
		})
	}
}
