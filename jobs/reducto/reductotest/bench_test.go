package reductotest

import (
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/clock"
)

// TestIdleCost checks that pending jobs cost no goroutines or timers of
// their own: a thousand long jobs wait on the scheduler's single timer.
func TestIdleCost(t *testing.T) {
	s := newTest(t, Config{Clock: clock.Real{}, EdgeRateLimit: -1,
		JobDuration: func(Submission) time.Duration { return time.Hour }})
	submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	http.DefaultClient.CloseIdleConnections()
	before := runtime.NumGoroutine()
	for range 1000 {
		submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf",
			"async": map[string]any{"webhook": map[string]any{"mode": "direct", "url": "http://127.0.0.1:1/x"}}})
	}
	http.DefaultClient.CloseIdleConnections()
	// Connection goroutines wind down asynchronously; allow a little slack.
	err := s.WaitFor(5*time.Second, func() bool { return runtime.NumGoroutine() <= before+2 })
	if err != nil {
		t.Fatalf("goroutines %d -> %d with 1000 pending jobs", before, runtime.NumGoroutine())
	}
	if p := s.sched.pending(); p != 1001 {
		t.Fatalf("scheduler holds %d events, want one per job", p)
	}
}

// BenchmarkGetJob measures GET /job/{id} over loopback HTTP, polled in
// parallel, the simulator's hot path under a polling client.
func BenchmarkGetJob(b *testing.B) {
	s := NewServer(Config{APIKey: testKey, JobRateLimit: -1, EdgeRateLimit: -1, Clock: clock.NewScaled(1000)})
	defer s.Close()
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = submit(b, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, s.URL+"/job/"+ids[i%len(ids)], nil)
			req.Header.Set("Authorization", "Bearer "+testKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			i++
		}
	})
}

// BenchmarkSubmit measures POST /parse_async over loopback HTTP.
func BenchmarkSubmit(b *testing.B) {
	s := NewServer(Config{APIKey: testKey, EdgeRateLimit: -1, Clock: clock.NewScaled(1000)})
	defer s.Close()
	body := `{"input":"https://e.com/a.pdf","async":{"metadata":{"ref":"x"}}}`
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/parse_async", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
