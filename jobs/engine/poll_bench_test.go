package engine_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// benchSpeed runs the polling benchmarks 20 times faster than real time:
// a 120 s job takes 6 s, slow enough that the naive loop keeps up with
// its own 2 s schedule on two cores.
const benchSpeed = 20

// spreadDuration gives each document a stable duration between 5 and 120 s.
func spreadDuration(s reductotest.Submission) time.Duration {
	h := fnv.New32a()
	h.Write([]byte(s.FileName))
	return 5*time.Second + time.Duration(h.Sum32()%115_000)*time.Millisecond
}

func benchFiles(b *testing.B, n int) []string {
	dir := b.TempDir()
	files := make([]string, n)
	for i := range files {
		files[i] = filepath.Join(dir, fmt.Sprintf("bench-%04d.pdf", i))
		if err := os.WriteFile(files[i], []byte(fmt.Sprintf("%%PDF %d", i)), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return files
}

// statusRequests counts the requests spent learning outcomes: status polls,
// list pages and result fetches (not uploads or submissions).
func statusRequests(sim *reductotest.Server) int {
	return sim.Requests("/job/") + sim.Requests("/jobs")
}

// BenchmarkPollingEngine measures API requests per completed job when the
// engine follows n concurrent jobs lasting 5-120 s.
func BenchmarkPollingEngine(b *testing.B) {
	for _, n := range []int{200, 1000} {
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			for range b.N {
				clk := clock.NewScaled(benchSpeed)
				sim := reductotest.NewServer(reductotest.Config{Clock: clk, JobDuration: spreadDuration})
				store, err := store.Open(filepath.Join(b.TempDir(), "h.db"))
				if err != nil {
					b.Fatal(err)
				}
				e := engine.New(engine.Config{
					Client: reducto.New(sim.URL, "", reducto.WithClock(clk)), Store: store, Clock: clk,
					UploadConcurrency: 16,
					Logger:            slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
				})
				if err := e.Start(context.Background()); err != nil {
					b.Fatal(err)
				}
				if _, err := e.Submit(context.Background(), benchFiles(b, n), jobs.Options{}); err != nil {
					b.Fatal(err)
				}
				deadline := time.Now().Add(5 * time.Minute)
				for e.Stats().InFlight > 0 {
					if time.Now().After(deadline) {
						b.Fatalf("%d jobs still in flight", e.Stats().InFlight)
					}
					time.Sleep(20 * time.Millisecond)
				}
				done, _ := store.Count(context.Background(), jobs.Query{Statuses: []jobs.Status{jobs.StatusCompleted}})
				if done != n {
					b.Fatalf("%d of %d completed", done, n)
				}
				b.ReportMetric(float64(statusRequests(sim))/float64(n), "status-req/job")
				b.ReportMetric(float64(len(sim.RequestLog()))/float64(n), "all-req/job")
				b.ReportMetric(float64(sim.Count429()), "429s")
				e.Close()
				store.Close()
				sim.Close()
			}
		})
	}
}

// BenchmarkPollingNaive is Reducto's own example loop for comparison: one
// goroutine per job asking GET /job every 2 s until the job ends.
func BenchmarkPollingNaive(b *testing.B) {
	const n = 200
	for range b.N {
		clk := clock.NewScaled(benchSpeed)
		sim := reductotest.NewServer(reductotest.Config{Clock: clk, JobDuration: spreadDuration, JobRateLimit: -1})
		client := reducto.New(sim.URL, "", reducto.WithClock(clk))
		var wg sync.WaitGroup
		ctx := context.Background()
		for _, f := range benchFiles(b, n) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				up, err := client.UploadFile(ctx, f, nil)
				if err != nil {
					b.Error(err)
					return
				}
				id, err := client.ParseAsync(ctx, reducto.ParseRequest{Input: up.FileID})
				if err != nil {
					b.Error(err)
					return
				}
				for {
					j, err := client.GetJob(ctx, id)
					if err == nil && reducto.IsTerminal(j.Status) {
						if _, err := client.ResolveResult(ctx, j); err != nil {
							b.Error(err)
						}
						return
					}
					<-clk.After(2 * time.Second)
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(statusRequests(sim))/n, "status-req/job")
		b.ReportMetric(float64(len(sim.RequestLog()))/n, "all-req/job")
		sim.Close()
	}
}
