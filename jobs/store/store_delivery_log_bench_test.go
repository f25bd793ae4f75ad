package store

import (
	"context"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// BenchmarkTrimDeliveryLog measures one trim of a full log: 200,000 small
// records (a flood's summaries, the most rows 32 MiB can hold), one in 50
// with a forward still waiting; each iteration adds 10 % more and trims
// back. The trim holds the store's write connection, which the receiver's
// group commit needs for every 2xx.
//
// Run: go test -run '^$' -bench TrimDeliveryLog -benchtime 5x ./jobs/store/
func BenchmarkTrimDeliveryLog(b *testing.B) {
	s, _ := newTestStore(b)
	ctx := context.Background()
	const rows = 200_000
	add := func(from, n int) {
		batch := make([]jobs.DeliveryRecord, 0, 512)
		for i := from; i < from+n; i++ {
			r := logRecord(i, jobs.VerdictStale)
			if i%50 == 0 {
				r = logRecord(i, jobs.VerdictAccepted, "http://127.0.0.1:1/down")
			}
			batch = append(batch, r)
			if len(batch) == cap(batch) || i == from+n-1 {
				if _, _, err := s.AppendDeliveryLog(ctx, batch); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
	}
	add(0, rows)
	full, _ := s.DeliveryLogBytes(ctx)
	next := rows
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		add(next, rows/10)
		next += rows / 10
		b.StartTimer()
		if _, err := s.TrimDeliveryLog(ctx, full); err != nil {
			b.Fatal(err)
		}
	}
}
