package notify

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
)

// BenchmarkOutcomeToNotify measures, over the private D-Bus, the time from
// handing the notifier an outcome to the fake server receiving Notify (the
// contract's target: p99 under 100 ms). "new" shows every outcome as a
// notification of its own; "burst" updates a burst's summary in place (a
// 200 ms window, so each summary grows to a realistic size, not to b.N
// lines). Each outcome is sent once the previous call has arrived, so every
// sample is one Notify call.
//
//	go test -run '^$' -bench OutcomeToNotify -benchtime 2000x ./ui/notify/
func BenchmarkOutcomeToNotify(b *testing.B) {
	for _, bc := range []struct {
		name   string
		window time.Duration
	}{{"new", time.Nanosecond}, {"burst", 200 * time.Millisecond}} {
		b.Run(bc.name, func(b *testing.B) {
			d := fakedesktop.Shared(b)
			n := New(Config{BurstWindow: bc.window})
			if c, ok := n.cfg.Sender.(interface{ Close() error }); ok {
				b.Cleanup(func() { _ = c.Close() })
			}
			ctx, cancel := context.WithCancel(context.Background())
			events := make(chan jobs.Event)
			done := make(chan struct{})
			go func() {
				defer close(done)
				n.Run(ctx, events)
			}()
			defer func() { cancel(); <-done }()

			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ev := outcomeEvent(int64(i+1), fmt.Sprintf("/bench/doc-%06d.pdf", i), jobs.StatusCompleted, "")
				t0 := time.Now()
				events <- ev
				got, err := d.WaitCall(i+1, wait)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, got.At.Sub(t0))
			}
			b.StopTimer()
			slices.Sort(lat)
			pct := func(p float64) float64 {
				return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
		})
	}
}
