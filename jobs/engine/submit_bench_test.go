package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// BenchmarkDrop500 drops 500 documents of 256 KiB at once and measures how
// long the engine takes to have them all submitted (pending), against the
// bound the upload concurrency allows: 500/4 times one document's own
// upload+submit time, measured in the same run. Every request crosses a
// 25 ms "network" (a delaying transport), as uploads to a cloud API do;
// without it loopback is CPU-bound and concurrency could not show.
func BenchmarkDrop500(b *testing.B) {
	const n, size, concurrency = 500, 256 << 10, 4
	dir := b.TempDir()
	files := make([]string, n)
	data := make([]byte, size)
	copy(data, "%PDF-1.4\n")
	for i := range files {
		files[i] = filepath.Join(dir, fmt.Sprintf("drop-%03d.pdf", i))
		if err := os.WriteFile(files[i], data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	for range b.N {
		sim := reductotest.NewServer(reductotest.Config{JobDuration: func(reductotest.Submission) time.Duration { return time.Hour }})
		client := reducto.New(sim.URL, "", reducto.WithHTTPClient(&http.Client{Transport: latency{25 * time.Millisecond}}))
		// One document alone, a few times: the unit the bound is made of.
		ctx := context.Background()
		start := time.Now()
		const probes = 8
		for i := range probes {
			up, err := client.UploadFile(ctx, files[i], nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := client.ParseAsync(ctx, reducto.ParseRequest{Input: up.FileID}); err != nil {
				b.Fatal(err)
			}
		}
		single := time.Since(start) / probes

		store, err := store.Open(filepath.Join(b.TempDir(), "h.db"))
		if err != nil {
			b.Fatal(err)
		}
		e := engine.New(engine.Config{Client: client, Store: store, UploadConcurrency: concurrency,
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
		if err := e.Start(ctx); err != nil {
			b.Fatal(err)
		}
		sub := e.Subscribe()
		progress := 0
		done := make(chan struct{})
		go func() {
			defer close(done)
			for ev := range sub.C() {
				if ev.Kind == jobs.EventProgress {
					progress++
				}
			}
		}()
		start = time.Now()
		queued, err := e.Submit(ctx, files, jobs.Options{})
		queueTime := time.Since(start)
		if err != nil || len(queued) != n {
			b.Fatalf("queued %d: %v", len(queued), err)
		}
		for {
			pending, _ := store.Count(ctx, jobs.Query{Statuses: []jobs.Status{jobs.StatusPending, jobs.StatusRunning}})
			if pending == n {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		total := time.Since(start)
		bound := single * n / concurrency
		b.ReportMetric(float64(queueTime.Microseconds())/1000, "ms-to-queue-500")
		b.ReportMetric(total.Seconds(), "s-all-submitted")
		b.ReportMetric(bound.Seconds(), "s-bound")
		b.ReportMetric(total.Seconds()/bound.Seconds(), "x-bound")
		e.Close()
		sub.Close()
		<-done
		b.ReportMetric(float64(progress)/n, "progress-events/doc")
		store.Close()
		sim.Close()
	}
}

// latency is a transport that waits before each request, like a round trip
// to a distant server.
type latency struct{ d time.Duration }

func (l latency) RoundTrip(r *http.Request) (*http.Response, error) {
	time.Sleep(l.d)
	return http.DefaultTransport.RoundTrip(r)
}
