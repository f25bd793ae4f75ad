package core

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
	"github.com/reductotray/reducto-tray/receiver/forward"
)

// BenchmarkForwardLatency measures the time from a delivery's record being
// written (with its forward queued, as the receiver's log writer does) to a
// local target receiving it, re-signed, one delivery at a time.
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
	fwd := newTestForwarderWith(st, forward.Config{Secret: func() string { return testSecret }})
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

// BenchmarkForwardDrainAfterTargetBack measures how fast a target's
// backlog drains once it comes back: drainQueued deliveries (signed 10
// minutes earlier, so each forward is re-signed) wait while the target's
// port refuses connections, the forwarder has failed at least once on the
// first, then the target listens again and verifies every forward with
// the svix library. Reported: first-ms (target up to first arrival: the
// head's backoff), drain-ms (target up to the last arrival), and p50-ms /
// p99-ms of each delivery's own time (the gap since the one before it).
//
// Run: go test -run '^$' -bench ForwardDrain -benchtime 3x ./jobs/core/
func BenchmarkForwardDrainAfterTargetBack(b *testing.B) {
	const drainQueued = 1000
	var first, drain []time.Duration
	var gaps []time.Duration
	for range b.N {
		b.StopTimer()
		st, err := store.Open(b.TempDir() + "/history.db")
		if err != nil {
			b.Fatal(err)
		}
		ln, err := newLoopbackListener()
		if err != nil {
			b.Fatal(err)
		}
		addr := ln.Addr().String()
		url := "http://" + addr + "/hook"
		ln.Close() // the target is down
		held := time.Now().Add(-10 * time.Minute)
		recs := make([]jobs.DeliveryRecord, drainQueued)
		for i := range recs {
			recs[i] = signedRecord(b, testSecret, fmt.Sprintf("msg_drain_%04d", i), held,
				fmt.Appendf(nil, `{"status":"Completed","job_id":"job-%d"}`, i), url)
		}
		seqs, _, err := st.AppendDeliveryLog(context.Background(), recs)
		if err != nil {
			b.Fatal(err)
		}
		fwd := newTestForwarderWith(st, forward.Config{Secret: func() string { return testSecret }})
		fwd.SetTargets([]string{url})
		for {
			if f := forwardsOf(b, st, seqs[0])[0]; f.Attempts > 0 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		arrivals := make([]time.Time, 0, drainQueued)
		var mu sync.Mutex
		done := make(chan struct{})
		target := &svixTarget{}
		verify := target.handler(func() string { return testSecret })
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			verify(w, r)
			mu.Lock()
			arrivals = append(arrivals, time.Now())
			if len(arrivals) == drainQueued {
				close(done)
			}
			mu.Unlock()
		})}
		ln2, err := listenOn(addr)
		if err != nil {
			b.Skipf("the target's port was taken meanwhile: %v", err)
		}
		b.StartTimer()
		up := time.Now()
		go srv.Serve(ln2)
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			b.Fatal("the backlog did not drain in 2 minutes")
		}
		b.StopTimer()
		if _, _, refused := target.accepted(); len(refused) > 0 {
			b.Fatalf("the target refused %d forwards: %s", len(refused), refused[0])
		}
		first = append(first, arrivals[0].Sub(up))
		drain = append(drain, arrivals[len(arrivals)-1].Sub(up))
		for i := 1; i < len(arrivals); i++ {
			gaps = append(gaps, arrivals[i].Sub(arrivals[i-1]))
		}
		fwd.Close()
		srv.Close()
		st.Close()
	}
	slices.Sort(gaps)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	mean := func(ds []time.Duration) time.Duration {
		var t time.Duration
		for _, d := range ds {
			t += d
		}
		return t / time.Duration(len(ds))
	}
	b.ReportMetric(ms(mean(first)), "first-ms")
	b.ReportMetric(ms(mean(drain)), "drain-ms")
	b.ReportMetric(ms(gaps[len(gaps)/2]), "p50-ms")
	b.ReportMetric(ms(gaps[len(gaps)*99/100]), "p99-ms")
}
