package receiver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestConcurrentSameDelivery(t *testing.T) {
	secret := newSecret(t)
	sink := newCountSink()
	log := newDeliveryLog(t)
	s, base := startServer(t, Config{Secret: func() string { return secret }, Sink: sink, Log: log})
	c := testClient()
	body := reductoBody("job-same", "Completed")

	// Every copy is built (and signed, each with its own timestamp as a Svix
	// retry would be) before any is sent, so they race for real.
	const n = 100
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = svixRequest(t, base, secret, "svix", "msg_same", time.Now().Add(-time.Duration(i)*time.Second), body)
	}
	start := make(chan struct{})
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for _, req := range reqs {
		wg.Go(func() {
			<-start
			resp, err := c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		})
	}
	close(start)
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != 204 {
			t.Fatalf("status = %d, want 204 for every copy", code)
		}
	}
	st := s.Stats()
	if st.Accepted != 1 || st.Duplicates != n-1 {
		t.Fatalf("accepted=%d duplicates=%d, want 1 and %d", st.Accepted, st.Duplicates, n-1)
	}
	eventually(t, "sink call", func() bool { return s.Stats().Handled == 1 })
	if got := sink.count("msg_same"); got != 1 {
		t.Fatalf("sink calls = %d, want 1", got)
	}
}

func TestDuplicateAfterRestart(t *testing.T) {
	secret := newSecret(t)
	path := t.TempDir() + "/history.db"
	body := reductoBody("job-r", "Completed")

	run := func(ts time.Time) (Stats, int64) {
		log, closeLog := openDeliveryLog(t, path)
		defer closeLog()
		sink := newCountSink()
		s := New(Config{Addr: "127.0.0.1:0", Secret: func() string { return secret }, Sink: sink, Log: log, Logger: discardLogger()})
		addr, err := s.Start()
		if err != nil {
			t.Fatal(err)
		}
		resp, _ := do(t, testClient(), svixRequest(t, "http://"+addr, secret, "svix", "msg_restart", ts, body))
		if resp.StatusCode != 204 {
			t.Fatalf("status = %d, want 204", resp.StatusCode)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		// Shutdown drained the queue, so the sink count is final here.
		return s.Stats(), sink.total.Load()
	}
	st, calls := run(time.Now().Add(-4 * time.Minute))
	if st.Accepted != 1 || calls != 1 {
		t.Fatalf("first run: accepted=%d sink calls=%d, want 1 and 1", st.Accepted, calls)
	}
	// Svix's next attempt, in a new process on the same data folder.
	st, calls = run(time.Now())
	if st.Duplicates != 1 || st.Accepted != 0 || calls != 0 {
		t.Fatalf("after restart: accepted=%d duplicates=%d sink calls=%d, want 0, 1, 0", st.Accepted, st.Duplicates, calls)
	}
}

// TestMixedLoad sends 10,000 deliveries from 16 goroutines: 65% first
// attempts, 30% retries of those, 5% forgeries that reuse real ids (and
// must not consume them), in random order.
func TestMixedLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 requests")
	}
	secret := newSecret(t)
	forger := newSecret(t)
	sink := newCountSink()
	s, base := startServer(t, Config{Secret: func() string { return secret }, Sink: sink, Log: newDeliveryLog(t), QueueSize: 16384})
	c := testClient()

	const total, unique, dups, forged = 10000, 6500, 3000, 500
	type item struct {
		id     string
		forged bool
	}
	items := make([]item, 0, total)
	for i := range unique {
		items = append(items, item{id: fmt.Sprintf("msg_%05d", i)})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range dups {
		items = append(items, item{id: fmt.Sprintf("msg_%05d", rng.IntN(unique))})
	}
	for range forged {
		items = append(items, item{id: fmt.Sprintf("msg_%05d", rng.IntN(unique)), forged: true})
	}
	rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })

	var next atomic.Int64
	var ok204, ok401, other atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(items) {
					return
				}
				it := items[i]
				key := secret
				if it.forged {
					key = forger
				}
				req := svixRequest(t, base, key, "svix", it.id, time.Now(), reductoBody("job-"+it.id, "Completed"))
				resp, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				switch resp.StatusCode {
				case 204:
					ok204.Add(1)
				case 401:
					ok401.Add(1)
				default:
					other.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if ok204.Load() != unique+dups || ok401.Load() != forged || other.Load() != 0 {
		t.Fatalf("204=%d 401=%d other=%d, want %d, %d, 0", ok204.Load(), ok401.Load(), other.Load(), unique+dups, forged)
	}
	st := s.Stats()
	if st.Accepted != unique || st.Duplicates != dups || st.Rejected[ReasonSignature] != forged {
		t.Fatalf("stats = %+v", st)
	}
	eventually(t, "sink calls", func() bool { return sink.total.Load() >= unique })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sink.total.Load(); got != unique {
		t.Fatalf("sink calls = %d, want exactly %d", got, unique)
	}
	for i := range unique {
		if n := sink.count(fmt.Sprintf("msg_%05d", i)); n != 1 {
			t.Fatalf("msg_%05d handled %d times", i, n)
		}
	}
	// Body buffers are pooled: every delivery must still carry its own
	// metadata, not bytes of a later request.
	for _, d := range sink.deliveries() {
		if want := `{"client_ref":"ref-` + d.JobID + `"}`; string(d.Metadata) != want || d.JobID != "job-"+d.ID {
			t.Fatalf("delivery %s: job %s metadata %s, want %s", d.ID, d.JobID, d.Metadata, want)
		}
	}
	t.Logf("%d deliveries recorded in %d batches", unique+dups, st.Batches)
}
