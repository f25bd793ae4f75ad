package receiver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestDirectDelivery(t *testing.T) {
	token := strings.Repeat("0f", 32)
	sink := newCountSink()
	s, base := startServer(t, Config{DirectToken: token, Sink: sink, Log: newMemLog()})
	c := testClient()

	post := func(path string, body []byte) int {
		req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, _ := do(t, c, req)
		return resp.StatusCode
	}
	body := reductoBody("job-d", "Completed")
	if got := post(PathDirectPrefix+token, body); got != 204 {
		t.Fatalf("direct: status = %d, want 204", got)
	}
	// Reducto's retry of the same outcome is a duplicate; a new outcome is not.
	if got := post(PathDirectPrefix+token, body); got != 204 {
		t.Fatalf("direct retry: status = %d, want 204", got)
	}
	if got := post(PathDirectPrefix+token, reductoBody("job-d", "Failed")); got != 204 {
		t.Fatalf("direct other status: status = %d, want 204", got)
	}
	if got := post(PathDirectPrefix+token, []byte(`{"status":"Completed"}`)); got != 400 {
		t.Fatalf("direct bad payload: status = %d, want 400", got)
	}
	eventually(t, "sink calls", func() bool { return sink.total.Load() == 2 })
	d := sink.deliveries()[0]
	if d.ID != "direct:job-d:Completed" || d.Source != jobs.WebhookDirect || d.JobID != "job-d" {
		t.Fatalf("delivery = %+v", d)
	}
	if st := s.Stats(); st.Accepted != 2 || st.Duplicates != 1 {
		t.Fatalf("stats = %+v", st)
	}

	// Wrong, truncated, extended or missing tokens look like unknown paths.
	wrong := []string{
		PathDirectPrefix + strings.Repeat("0e", 32),
		PathDirectPrefix + token[:63],
		PathDirectPrefix + token + "0",
		PathDirectPrefix + token + "/x",
		PathDirectPrefix,
		"/webhooks/direct",
		"/nope",
		"/",
	}
	for _, p := range wrong {
		if got := post(p, body); got != 404 {
			t.Errorf("POST %s: status = %d, want 404", p, got)
		}
	}
	if sink.total.Load() != 2 {
		t.Fatalf("sink called %d times, want 2", sink.total.Load())
	}
}

func TestDirectDisabledWithoutToken(t *testing.T) {
	_, base := startServer(t, Config{Sink: newCountSink(), Log: newMemLog()})
	for _, p := range []string{PathDirectPrefix + "x", PathDirectPrefix + strings.Repeat("ab", 32)} {
		req, _ := http.NewRequest(http.MethodPost, base+p, bytes.NewReader(reductoBody("j", "Completed")))
		resp, _ := do(t, testClient(), req)
		if resp.StatusCode != 404 {
			t.Errorf("POST %s with no token configured: status = %d, want 404", p, resp.StatusCode)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	token := strings.Repeat("aa", 32)
	_, base := startServer(t, Config{DirectToken: token, Sink: newCountSink(), Log: newMemLog()})
	c := testClient()
	cases := []struct{ method, path, allow string }{
		{http.MethodGet, PathSvix, "POST"},
		{http.MethodPut, PathSvix, "POST"},
		{http.MethodGet, PathDirectPrefix + token, "POST"},
		{http.MethodDelete, PathDirectPrefix + token, "POST"},
		{http.MethodPost, PathHealth, "GET, HEAD"},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, base+tc.path, nil)
		resp, _ := do(t, c, req)
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: status = %d, want 405", tc.method, tc.path, resp.StatusCode)
		}
		if got := resp.Header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow = %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}

func TestHealthz(t *testing.T) {
	secret := newSecret(t)
	relay := map[string]any{"state": "connected", "url": "https://play.svix.com/in/abc/"}
	_, base := startServer(t, Config{
		Secret:  func() string { return secret },
		Sink:    newCountSink(),
		Log:     newMemLog(),
		Version: "1.2.3",
		Health: func() map[string]any {
			return map[string]any{"jobs_in_flight": 7, "relay": relay, "status": "overridden?"}
		},
	})
	c := testClient()
	resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_h", time.Now(), reductoBody("j", "Completed")))
	if resp.StatusCode != 204 {
		t.Fatalf("delivery: %d", resp.StatusCode)
	}

	req, _ := http.NewRequest(http.MethodGet, base+PathHealth, nil)
	resp, b := do(t, c, req)
	if resp.StatusCode != 200 {
		t.Fatalf("healthz status = %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type = %q", ct)
	}
	var h struct {
		Status        string         `json:"status"`
		Version       string         `json:"version"`
		UptimeSeconds *int64         `json:"uptime_seconds"`
		JobsInFlight  int            `json:"jobs_in_flight"`
		Relay         map[string]any `json:"relay"`
		Webhooks      Stats          `json:"webhooks"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatalf("healthz body %s: %v", b, err)
	}
	if h.Status != "ok" || h.Version != "1.2.3" || h.UptimeSeconds == nil || *h.UptimeSeconds < 0 || h.JobsInFlight != 7 {
		t.Fatalf("healthz = %s", b)
	}
	if h.Relay["state"] != "connected" || h.Relay["url"] != relay["url"] {
		t.Fatalf("relay = %v", h.Relay)
	}
	if h.Webhooks.Accepted != 1 || h.Webhooks.QueueCap != 1024 {
		t.Fatalf("webhooks = %+v", h.Webhooks)
	}

	req, _ = http.NewRequest(http.MethodHead, base+PathHealth, nil)
	resp, b = do(t, c, req)
	if resp.StatusCode != 200 || len(b) != 0 {
		t.Fatalf("HEAD healthz: %d %q", resp.StatusCode, b)
	}
}

func TestDirectURL(t *testing.T) {
	cases := map[string]string{
		"https://example.com":        "https://example.com/webhooks/direct/tok",
		"https://example.com/":       "https://example.com/webhooks/direct/tok",
		"https://example.com/base//": "https://example.com/base/webhooks/direct/tok",
	}
	for in, want := range cases {
		if got := DirectURL(in, "tok"); got != want {
			t.Errorf("DirectURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// Fault 6: the direct endpoint (signed by nothing but its URL) accepted any
// status word and recorded it as a delivery.
func TestDirectOnlyReductoStatusWords(t *testing.T) {
	token := strings.Repeat("1f", 32)
	sink := newCountSink()
	s, base := startServer(t, Config{DirectToken: token, Sink: sink, Log: newMemLog()})
	c := testClient()
	post := func(status string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+PathDirectPrefix+token, bytes.NewReader(reductoBody("job-w", status)))
		resp, _ := do(t, c, req)
		return resp.StatusCode
	}
	bad := []string{"completed", "COMPLETED", "Completed ", "Done", "Success", "Completed\x00", "<script>"}
	for _, st := range bad {
		if got := post(st); got != http.StatusBadRequest {
			t.Errorf("direct status %q: status = %d, want 400", st, got)
		}
	}
	good := []string{"Completed", "Failed", "Cancelled"}
	for _, st := range good {
		if got := post(st); got != http.StatusNoContent {
			t.Errorf("direct status %q: status = %d, want 204", st, got)
		}
	}
	if got := s.Stats().Rejected[ReasonPayload]; got != uint64(len(bad)) {
		t.Fatalf("payload rejections = %d, want %d", got, len(bad))
	}
	eventually(t, "sink calls", func() bool { return sink.total.Load() == int64(len(good)) })
	for _, d := range sink.deliveries() {
		if !slices.Contains(good, d.Status) {
			t.Fatalf("sink got status %q", d.Status)
		}
	}
}
