package receiver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs"
)

// newSecret returns a fresh whsec_ secret, as the Svix dashboard shows it.
func newSecret(t testing.TB) string {
	t.Helper()
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// sign returns the svix-signature value for body under secret.
func sign(t testing.TB, secret, id string, ts time.Time, body []byte) string {
	t.Helper()
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := wh.Sign(id, ts, body)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// reductoBody is a Reducto webhook payload for job.
func reductoBody(job, status string) []byte {
	return []byte(fmt.Sprintf(`{"status":%q,"job_id":%q,"metadata":{"client_ref":"ref-%s"}}`, status, job, job))
}

// svixRequest builds a signed POST to base+/webhooks/svix with the given
// header family ("svix" or "webhook").
func svixRequest(t testing.TB, base, secret, family, id string, ts time.Time, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+PathSvix, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(family+"-id", id)
	req.Header.Set(family+"-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(family+"-signature", sign(t, secret, id, ts, body))
	return req
}

// testClient keeps enough idle connections for 16 concurrent senders so
// thousands of requests do not exhaust loopback ports.
func testClient() *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        64,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     30 * time.Second,
		},
	}
}

// do sends req and returns the status code and response.
func do(t testing.TB, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// memLog is an in-memory DeliveryLog. Sharing one between two servers
// stands for a restart on the same data folder.
type memLog struct {
	mu    sync.Mutex
	seen  map[string]bool
	calls atomic.Int64
	fail  atomic.Bool
}

func newMemLog() *memLog { return &memLog{seen: map[string]bool{}} }

func (m *memLog) RecordDeliveries(ctx context.Context, ids []string) ([]bool, error) {
	m.calls.Add(1)
	if m.fail.Load() {
		return nil, fmt.Errorf("disk on fire")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	fresh := make([]bool, len(ids))
	for i, id := range ids {
		if !m.seen[id] {
			m.seen[id] = true
			fresh[i] = true
		}
	}
	return fresh, nil
}

// countSink counts Sink calls per delivery id.
type countSink struct {
	mu    sync.Mutex
	byID  map[string]int
	got   []jobs.Delivery
	total atomic.Int64
	err   error
}

func newCountSink() *countSink { return &countSink{byID: map[string]int{}} }

func (c *countSink) HandleWebhook(ctx context.Context, d jobs.Delivery) error {
	c.mu.Lock()
	c.byID[d.ID]++
	c.got = append(c.got, d)
	c.mu.Unlock()
	c.total.Add(1)
	return c.err
}

func (c *countSink) count(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byID[id]
}

func (c *countSink) deliveries() []jobs.Delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]jobs.Delivery(nil), c.got...)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// startServer starts a receiver on 127.0.0.1:0 and returns it with its
// base URL; it is shut down at the end of the test.
func startServer(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	s := New(cfg)
	addr, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s, "http://" + addr
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func nopCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }
