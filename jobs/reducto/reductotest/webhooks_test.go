package reductotest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"
)

// receipt is one webhook the test receiver got.
type receipt struct {
	header http.Header
	body   []byte
	err    error // signature verification result (svix receivers)
}

// receiver records deliveries; answers decides the status of the n-th (0-based).
type receiver struct {
	mu       sync.Mutex
	got      []receipt
	verifier *svix.Webhook
	answers  func(n int) int
	srv      *httptest.Server
}

func newReceiver(t *testing.T, secret string, answers func(n int) int) *receiver {
	t.Helper()
	rc := &receiver{answers: answers}
	if secret != "" {
		wh, err := svix.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		rc.verifier = wh
	}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec := receipt{header: r.Header.Clone(), body: b}
		if rc.verifier != nil {
			rec.err = rc.verifier.Verify(b, r.Header)
		}
		rc.mu.Lock()
		n := len(rc.got)
		rc.got = append(rc.got, rec)
		rc.mu.Unlock()
		if rec.err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(rc.answers(n))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) receipts() []receipt {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]receipt(nil), rc.got...)
}

func newSecret(t *testing.T) string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

func TestSvixDeliveryRetriesWithSameID(t *testing.T) {
	secret := newSecret(t)
	rc := newReceiver(t, secret, func(n int) int {
		if n == 0 {
			return 500
		}
		return 204
	})
	s := newTest(t, Config{JobRateLimit: -1, SvixEndpoint: rc.srv.URL, SvixSecret: secret,
		SvixRetrySchedule: []time.Duration{2 * time.Second, 5 * time.Second}})
	id := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf",
		"async": map[string]any{"metadata": map[string]any{"ref": "abc"}, "webhook": map[string]any{"mode": "svix"}}})
	if err := s.WaitFor(10*time.Second, func() bool {
		ji, _ := s.Job(id)
		return ji.DeliverySuccesses == 1
	}); err != nil {
		t.Fatalf("no successful delivery: %+v", s.Deliveries(id))
	}
	got := rc.receipts()
	if len(got) != 2 {
		t.Fatalf("%d receipts, want 2 (500 then 204)", len(got))
	}
	for i, r := range got {
		if r.err != nil {
			t.Fatalf("attempt %d signature: %v", i, r.err)
		}
		var p struct {
			Status   string          `json:"status"`
			JobID    string          `json:"job_id"`
			Metadata json.RawMessage `json:"metadata"`
		}
		decode(t, r.body, &p)
		if p.Status != "Completed" || p.JobID != id || string(p.Metadata) != `{"ref":"abc"}` {
			t.Fatalf("payload %s", r.body)
		}
	}
	if got[0].header.Get("svix-id") == "" || got[0].header.Get("svix-id") != got[1].header.Get("svix-id") {
		t.Fatalf("svix-id changed: %q vs %q", got[0].header.Get("svix-id"), got[1].header.Get("svix-id"))
	}
	if got[0].header.Get("svix-timestamp") == got[1].header.Get("svix-timestamp") ||
		got[0].header.Get("svix-signature") == got[1].header.Get("svix-signature") {
		t.Fatal("retry reused timestamp or signature")
	}
	d := s.Deliveries(id)
	if len(d) != 2 || d[0].Status != 500 || d[1].Status != 204 || d[1].Attempt != 2 || d[1].At.Sub(d[0].At) < 2*time.Second {
		t.Fatalf("deliveries %+v", d)
	}
}

func TestSvixChannels(t *testing.T) {
	secret := newSecret(t)
	rc := newReceiver(t, secret, func(int) int { return 204 })
	s := newTest(t, Config{JobRateLimit: -1, SvixEndpoint: rc.srv.URL, SvixSecret: secret,
		SvixChannels: []string{"prod"}})
	sub := func(channels ...string) string {
		wh := map[string]any{"mode": "svix"}
		if channels != nil {
			wh["channels"] = channels
		}
		return submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf", "async": map[string]any{"webhook": wh}})
	}
	match, none, other := sub("prod", "x"), sub(), sub("staging")
	noHook := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	for _, id := range []string{match, none, other, noHook} {
		if err := s.WaitForStatus(id, "Completed", 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.WaitFor(10*time.Second, func() bool { return len(rc.receipts()) >= 2 }); err != nil {
		t.Fatal("matching deliveries missing")
	}
	ids := map[string]bool{}
	for _, r := range rc.receipts() {
		var p struct {
			JobID string `json:"job_id"`
		}
		decode(t, r.body, &p)
		ids[p.JobID] = true
	}
	// Jobs finalise before their deliveries run; a settled scheduler with no
	// attempt recorded for the others means none is coming.
	if err := s.WaitFor(5*time.Second, func() bool { return s.sched.pending() == 0 }); err != nil {
		t.Fatal(err)
	}
	if !ids[match] || !ids[none] || ids[other] || ids[noHook] || len(s.Deliveries(other)) != 0 {
		t.Fatalf("delivered to %v (match %s none %s other %s)", ids, match, none, other)
	}
}

func TestDirectDeliveryRetries(t *testing.T) {
	rc := newReceiver(t, "", func(n int) int {
		if n < 2 {
			return 503
		}
		return 200
	})
	s := newTest(t, Config{JobRateLimit: -1, DirectRetrySchedule: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}})
	s.FailNext("bad scan")
	id := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf",
		"async": map[string]any{"webhook": map[string]any{"mode": "direct", "url": rc.srv.URL + "/hook/tok"}}})
	if err := s.WaitFor(10*time.Second, func() bool {
		ji, _ := s.Job(id)
		return ji.DeliverySuccesses == 1
	}); err != nil {
		t.Fatalf("direct delivery: %+v", s.Deliveries(id))
	}
	got := rc.receipts()
	if len(got) != 3 {
		t.Fatalf("%d receipts", len(got))
	}
	var p struct {
		Status   string          `json:"status"`
		JobID    string          `json:"job_id"`
		Metadata json.RawMessage `json:"metadata"`
	}
	decode(t, got[2].body, &p)
	if p.Status != "Failed" || p.JobID != id || string(p.Metadata) != "null" || got[2].header.Get("svix-id") != "" {
		t.Fatalf("direct payload %s headers %v", got[2].body, got[2].header)
	}
}

func TestDirectDeliveryGivesUp(t *testing.T) {
	rc := newReceiver(t, "", func(int) int { return 500 })
	s := newTest(t, Config{JobRateLimit: -1, DirectRetrySchedule: []time.Duration{time.Second, time.Second, time.Second}})
	id := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf",
		"async": map[string]any{"webhook": map[string]any{"mode": "direct", "url": rc.srv.URL}}})
	if err := s.WaitFor(10*time.Second, func() bool { return len(s.Deliveries(id)) == 4 && s.sched.pending() == 0 }); err != nil {
		t.Fatalf("attempts %+v", s.Deliveries(id))
	}
	if n := len(rc.receipts()); n != 4 {
		t.Fatalf("%d attempts, want 1 + 3 retries", n)
	}
}
