package engine_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
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

// pollCase is one polling benchmark: n concurrent jobs whose durations
// are spread evenly (and stably, by file name) between lo and hi.
type pollCase struct {
	n      int
	lo, hi time.Duration
	// speed is how much faster than real time the shared clock runs. Slow
	// enough that timer and scheduling noise (about a millisecond of real
	// time) stays small against the 2 s cadence being measured.
	speed float64
}

func (c pollCase) name() string {
	return fmt.Sprintf("jobs=%d/dur=%v-%v", c.n, c.lo, c.hi)
}

// duration gives each document a stable duration between lo and hi.
func (c pollCase) duration(s reductotest.Submission) time.Duration {
	h := fnv.New32a()
	h.Write([]byte(s.FileName))
	span := uint32((c.hi - c.lo) / time.Millisecond)
	return c.lo + time.Duration(h.Sum32()%span)*time.Millisecond
}

var (
	// The measurement: 20 jobs of 3-15 s.
	pollFew = pollCase{n: 20, lo: 3 * time.Second, hi: 15 * time.Second, speed: 4}
	// Many long jobs: 200 of 5-120 s.
	pollMany = pollCase{n: 200, lo: 5 * time.Second, hi: 120 * time.Second, speed: 5}
	// Against the simulator's rate limits: 1,000 of 5-120 s.
	pollFlood = pollCase{n: 1000, lo: 5 * time.Second, hi: 120 * time.Second, speed: 5}
)

func benchFiles(b *testing.B, n int) []string {
	dir := b.TempDir()
	files := make([]string, n)
	for i := range files {
		files[i] = filepath.Join(dir, fmt.Sprintf("bench-%04d.pdf", i))
		if err := os.WriteFile(files[i], []byte(fmt.Sprintf("%%PDF-1.4 document %d", i)), 0o600); err != nil {
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

// noticeLog records, on the shared clock, when each Reducto job's outcome
// became known to the follower being measured.
type noticeLog struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (l *noticeLog) note(jobID string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.at == nil {
		l.at = map[string]time.Time{}
	}
	if _, seen := l.at[jobID]; !seen {
		l.at[jobID] = at
	}
}

// report adds detection latency (from the moment the simulator's job
// ended to the moment it was noticed, p50 and p99, in seconds of the
// shared clock) and the request counts per completed job.
func (l *noticeLog) report(b *testing.B, sim *reductotest.Server, n int) {
	b.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var lat []time.Duration
	for _, j := range sim.Jobs() {
		at, ok := l.at[j.ID]
		if !ok {
			b.Fatalf("job %s was never noticed", j.ID)
		}
		// Nothing pauses the simulator here, so a job ends exactly its
		// duration after its creation.
		lat = append(lat, at.Sub(j.Created.Add(j.Duration)))
	}
	if len(lat) != n {
		b.Fatalf("%d jobs noticed, want %d", len(lat), n)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))].Seconds() }
	b.ReportMetric(pct(0.50), "detect-p50-s")
	b.ReportMetric(pct(0.99), "detect-p99-s")
	b.ReportMetric(float64(statusRequests(sim))/float64(n), "GET/job")
	b.ReportMetric(float64(sim.Requests("/jobs"))/float64(n), "list-pages/job")
	b.ReportMetric(float64(sim.Requests(""))/float64(n), "all-req/job")
	b.ReportMetric(float64(sim.Count429()), "429s")
}

// BenchmarkPollingEngine measures what the engine spends following n
// concurrent jobs in polling mode (webhook none) to their end: GET
// requests (status checks, list pages and result fetches) per completed
// job, detection latency and 429s. The clock is sped up (pollCase.speed);
// latencies are in the simulated clock's seconds.
func BenchmarkPollingEngine(b *testing.B) {
	for _, c := range []pollCase{pollFew, pollMany, pollFlood} {
		b.Run(c.name(), func(b *testing.B) {
			for range b.N {
				runPollingEngine(b, c, engine.PollPolicy{})
			}
		})
	}
}

// BenchmarkPollingFewJobs decides ListThreshold: for 1, 2 and 4 jobs of
// 3-15 s it compares always sweeping (threshold 1) with always checking
// each job (GET /job, which also brings the result of a job that ended).
func BenchmarkPollingFewJobs(b *testing.B) {
	for _, n := range []int{1, 2, 4} {
		c := pollFew
		c.n = n
		for _, th := range []int{1, 1000} {
			mode := "sweep"
			if th > n {
				mode = "per-job"
			}
			b.Run(fmt.Sprintf("jobs=%d/%s", n, mode), func(b *testing.B) {
				for range b.N {
					runPollingEngine(b, c, engine.PollPolicy{ListThreshold: th})
				}
			})
		}
	}
}

func runPollingEngine(b *testing.B, c pollCase, pol engine.PollPolicy) {
	clk := clock.NewScaled(c.speed)
	sim := reductotest.NewServer(reductotest.Config{Clock: clk, JobDuration: c.duration})
	defer sim.Close()
	st, err := store.Open(filepath.Join(b.TempDir(), "h.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	e := engine.New(engine.Config{
		Client: reducto.New(sim.URL, "", reducto.WithClock(clk)), Store: st, Clock: clk,
		UploadConcurrency: 16, Poll: pol,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	defer e.Close()
	var notices noticeLog
	sub := e.Subscribe()
	defer sub.Close()
	go func() {
		for ev := range sub.C() {
			if ev.Kind == jobs.EventChanged && ev.Job.Status.Final() {
				notices.note(ev.Job.JobID, clk.Now())
			}
		}
	}()
	if err := e.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	if _, err := e.Submit(context.Background(), benchFiles(b, c.n), jobs.Options{}); err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for e.Stats().InFlight > 0 {
		if time.Now().After(deadline) {
			b.Fatalf("%d jobs still in flight", e.Stats().InFlight)
		}
		time.Sleep(20 * time.Millisecond)
	}
	done, _ := st.Count(context.Background(), jobs.Query{Statuses: []jobs.Status{jobs.StatusCompleted}})
	if done != c.n {
		b.Fatalf("%d of %d completed", done, c.n)
	}
	// The subscriber may still be handing over the last event.
	waitNoticed(b, &notices, c.n)
	notices.report(b, sim, c.n)
}

func waitNoticed(b *testing.B, l *noticeLog, n int) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		l.mu.Lock()
		got := len(l.at)
		l.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d outcomes reached the subscriber", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkPollingNaive is Reducto's own example loop for comparison: one
// goroutine per job asking GET /job every 2 s until the job ends. The
// simulator's GET /job limit is off for it (it would collect 429s).
func BenchmarkPollingNaive(b *testing.B) {
	for _, c := range []pollCase{pollFew, pollMany} {
		b.Run(c.name(), func(b *testing.B) {
			for range b.N {
				runPollingNaive(b, c)
			}
		})
	}
}

func runPollingNaive(b *testing.B, c pollCase) {
	clk := clock.NewScaled(c.speed)
	sim := reductotest.NewServer(reductotest.Config{Clock: clk, JobDuration: c.duration, JobRateLimit: -1})
	defer sim.Close()
	client := reducto.New(sim.URL, "", reducto.WithClock(clk))
	var (
		wg      sync.WaitGroup
		notices noticeLog
		ctx     = context.Background()
	)
	for _, f := range benchFiles(b, c.n) {
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
					notices.note(id, clk.Now())
					return
				}
				<-clk.After(2 * time.Second)
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		return
	}
	notices.report(b, sim, c.n)
}
