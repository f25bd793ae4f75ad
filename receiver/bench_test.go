package receiver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// benchClients is how many concurrent senders the benchmark uses.
const benchClients = 16

// BenchmarkReceiver measures deliveries per second and latency over
// loopback HTTP from 16 client goroutines:
//
//	bare       a handler that only reads the body and verifies the signature
//	persisted  the real receiver: verify, parse, record the id in a real
//	           SQLite file (group commit) before the 204, queue to a sink
//
// Run: go test -run '^$' -bench Receiver -benchtime 20000x ./receiver/
func BenchmarkReceiver(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		secret := newSecret(b)
		wh, err := svix.NewWebhook(secret)
		if err != nil {
			b.Fatal(err)
		}
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
			if err != nil {
				http.Error(w, "too large", http.StatusRequestEntityTooLarge)
				return
			}
			if err := wh.Verify(body, r.Header); err != nil {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		srv := httptest.NewServer(h)
		defer srv.Close()
		runDeliveries(b, srv.URL, secret)
	})
	// persisted-logged is persisted with the delivery log on (headers and
	// body of every delivery written in the group commit of its id).
	for _, v := range []struct {
		name   string
		linger time.Duration
		logged bool
	}{{"persisted", 0, false}, {"persisted-logged", 0, true}, {"persisted-nolinger", -1, false}} {
		b.Run(v.name, func(b *testing.B) {
			secret := newSecret(b)
			log, err := store.Open(b.TempDir()+"/history.db", benchStoreOptions()...)
			if err != nil {
				b.Fatal(err)
			}
			defer log.Close()
			var handled atomic.Int64
			var records RecordStore
			if v.logged {
				records = log
			}
			s := New(Config{
				Records:     records,
				Addr:        "127.0.0.1:0",
				Secret:      func() string { return secret },
				Sink:        sinkFunc(func(context.Context, jobs.Delivery) error { handled.Add(1); return nil }),
				Log:         log,
				Logger:      discardLogger(),
				BatchLinger: v.linger,
				QueueSize:   b.N + 1, // measure the receiver, not a slow sink
			})
			addr, err := s.Start()
			if err != nil {
				b.Fatal(err)
			}
			runDeliveries(b, "http://"+addr, secret)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := s.Shutdown(ctx); err != nil {
				b.Fatal(err)
			}
			st := s.Stats()
			if int(st.Accepted) != b.N || int(handled.Load()) != b.N {
				b.Fatalf("accepted %d, handled %d, want %d", st.Accepted, handled.Load(), b.N)
			}
			b.ReportMetric(float64(b.N)/float64(st.Batches), "ids/batch")
			if v.logged && st.LogWritten+st.LogDropped != uint64(b.N) {
				b.Fatalf("log written %d + dropped %d, want %d", st.LogWritten, st.LogDropped, b.N)
			}
		})
	}
}

// benchStoreOptions lets the benchmark compare the writer's durability:
// REDUCTO_BENCH_SYNC=full or normal (unset: the store's default).
func benchStoreOptions() []store.Option {
	switch os.Getenv("REDUCTO_BENCH_SYNC") {
	case "full":
		return []store.Option{store.WithSync(store.SyncFull)}
	case "normal":
		return []store.Option{store.WithSync(store.SyncNormal)}
	}
	return nil
}

type sinkFunc func(context.Context, jobs.Delivery) error

func (f sinkFunc) HandleWebhook(ctx context.Context, d jobs.Delivery) error { return f(ctx, d) }

type signed struct {
	id, ts, sig string
	body        []byte
}

// runDeliveries sends b.N distinct signed deliveries to base from
// benchClients goroutines and reports throughput and latency percentiles.
// Signing happens before the timer starts: in production it is the
// sender's cost, not ours.
func runDeliveries(b *testing.B, base, secret string) {
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	msgs := make([]signed, b.N)
	for i := range msgs {
		id := fmt.Sprintf("msg_%d_%d", now.UnixNano(), i)
		body := reductoBody(fmt.Sprintf("job-%d", i), "Completed")
		sig, err := wh.Sign(id, now, body)
		if err != nil {
			b.Fatal(err)
		}
		msgs[i] = signed{id: id, ts: strconv.FormatInt(now.Unix(), 10), sig: sig, body: body}
	}
	client := testClient()
	url := base + PathSvix
	lat := make([][]time.Duration, benchClients)
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup

	b.ResetTimer()
	start := time.Now()
	for g := range benchClients {
		wg.Go(func() {
			mine := make([]time.Duration, 0, b.N/benchClients+1)
			for {
				i := int(next.Add(1)) - 1
				if i >= len(msgs) {
					break
				}
				m := msgs[i]
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(m.body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("svix-id", m.id)
				req.Header.Set("svix-timestamp", m.ts)
				req.Header.Set("svix-signature", m.sig)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				if resp.StatusCode != http.StatusNoContent {
					failed.Add(1)
				}
			}
			lat[g] = mine
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	if n := failed.Load(); n != 0 {
		b.Fatalf("%d of %d deliveries not answered 204", n, b.N)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[int(p*float64(len(all)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
