package core

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// BenchmarkForwardLatency measures the time from a delivery's record being
// written (with its forward queued, as the receiver's log writer does) to a
// local target receiving it, one delivery at a time.
//
// Run: go test -run '^$' -bench ForwardLatency -benchtime 1000x ./jobs/core/
func BenchmarkForwardLatency(b *testing.B) {
	st, err := store.Open(b.TempDir() + "/history.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	got := make(chan time.Time, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- time.Now()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	fwd := newTestForwarder(st, nil)
	defer fwd.Close()
	fwd.SetTargets([]string{srv.URL})
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		rec := jobs.DeliveryRecord{ID: fmt.Sprintf("msg_%d", i), ReceivedAt: time.Now(), Via: jobs.ViaSvix,
			Verdict: jobs.VerdictAccepted, HTTPStatus: 204, Body: []byte(`{"status":"Completed","job_id":"j"}`),
			Forwards: []jobs.Forward{{URL: srv.URL}}}
		t0 := time.Now()
		if _, _, err := st.AppendDeliveryLog(context.Background(), []jobs.DeliveryRecord{rec}); err != nil {
			b.Fatal(err)
		}
		fwd.Wake()
		lat = append(lat, (<-got).Sub(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
