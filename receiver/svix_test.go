package receiver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/clock"
)

func TestSvixValidDelivery(t *testing.T) {
	secret := newSecret(t)
	sink := newCountSink()
	s, base := startServer(t, Config{Secret: func() string { return secret }, Sink: sink, Log: newMemLog()})
	c := testClient()

	body := reductoBody("job-1", "Completed")
	resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_1", time.Now(), body))
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status = %d, want 204", resp.StatusCode)
	}
	eventually(t, "sink call", func() bool { return sink.total.Load() == 1 })
	d := sink.deliveries()[0]
	want := jobs.Delivery{ID: "msg_1", JobID: "job-1", Status: "Completed", Source: jobs.WebhookSvix}
	if d.ID != want.ID || d.JobID != want.JobID || d.Status != want.Status || d.Source != want.Source {
		t.Fatalf("delivery = %+v, want %+v", d, want)
	}
	if string(d.Metadata) != `{"client_ref":"ref-job-1"}` {
		t.Fatalf("metadata = %s", d.Metadata)
	}
	if st := s.Stats(); st.Accepted != 1 || st.Duplicates != 0 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestSvixSignatureVariants(t *testing.T) {
	secret := newSecret(t)
	other := newSecret(t)
	sink := newCountSink()
	s, base := startServer(t, Config{Secret: func() string { return secret }, Sink: sink, Log: newMemLog()})
	c := testClient()
	body := reductoBody("job-v", "Failed")

	cases := []struct {
		name string
		req  func(id string) *http.Request
		want int
	}{
		{"rotated multi-signature", func(id string) *http.Request {
			r := svixRequest(t, base, secret, "svix", id, time.Now(), body)
			r.Header.Set("svix-signature", "v1,bogus v1a,AAAA "+r.Header.Get("svix-signature"))
			return r
		}, 204},
		{"webhook-* headers", func(id string) *http.Request {
			return svixRequest(t, base, secret, "webhook", id, time.Now(), body)
		}, 204},
		{"too old", func(id string) *http.Request {
			return svixRequest(t, base, secret, "svix", id, time.Now().Add(-6*time.Minute), body)
		}, 401},
		{"too new", func(id string) *http.Request {
			return svixRequest(t, base, secret, "svix", id, time.Now().Add(6*time.Minute), body)
		}, 401},
		{"tampered body", func(id string) *http.Request {
			r := svixRequest(t, base, secret, "svix", id, time.Now(), body)
			tampered := bytes.Replace(body, []byte("Failed"), []byte("Completed"), 1)
			r.Body = nopCloser(tampered)
			r.ContentLength = int64(len(tampered))
			return r
		}, 401},
		{"missing headers", func(id string) *http.Request {
			r := svixRequest(t, base, secret, "svix", id, time.Now(), body)
			r.Header.Del("svix-signature")
			return r
		}, 401},
		{"no headers at all", func(id string) *http.Request {
			r, _ := http.NewRequest(http.MethodPost, base+PathSvix, bytes.NewReader(body))
			return r
		}, 401},
		{"wrong secret", func(id string) *http.Request {
			return svixRequest(t, base, other, "svix", id, time.Now(), body)
		}, 401},
		{"non-integer timestamp", func(id string) *http.Request {
			r := svixRequest(t, base, secret, "svix", id, time.Now(), body)
			r.Header.Set("svix-timestamp", "soon")
			return r
		}, 401},
	}
	accepted := 0
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := "msg_variant_" + strconv.Itoa(i)
			resp, _ := do(t, c, tc.req(id))
			if resp.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tc.want)
			}
		})
		if tc.want == 204 {
			accepted++
		}
	}
	st := s.Stats()
	if int(st.Accepted) != accepted {
		t.Fatalf("accepted = %d, want %d", st.Accepted, accepted)
	}
	if got, want := st.Rejected[ReasonSignature], uint64(len(cases)-accepted); got != want {
		t.Fatalf("rejected for signature = %d, want %d", got, want)
	}
	eventually(t, "sink calls", func() bool { return sink.total.Load() == int64(accepted) })
	// The webhook-* delivery is keyed on webhook-id.
	if sink.count("msg_variant_1") != 1 {
		t.Fatalf("webhook-id delivery not handed to the sink: %v", sink.deliveries())
	}
}

func TestSvixNoSecretConfigured(t *testing.T) {
	secret := newSecret(t)
	var current atomic.Value
	current.Store("")
	get := func() string { return current.Load().(string) }
	set := func(v string) { current.Store(v) }

	sink := newCountSink()
	s, base := startServer(t, Config{Secret: get, Sink: sink, Log: newMemLog()})
	c := testClient()
	body := reductoBody("job-ns", "Completed")

	resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_ns", time.Now(), body))
	if resp.StatusCode != 401 {
		t.Fatalf("no secret: status = %d, want 401", resp.StatusCode)
	}
	set("not base64 at all!")
	resp, _ = do(t, c, svixRequest(t, base, secret, "svix", "msg_ns", time.Now(), body))
	if resp.StatusCode != 401 {
		t.Fatalf("invalid secret: status = %d, want 401", resp.StatusCode)
	}
	if got := s.Stats().Rejected[ReasonNoSecret]; got != 2 {
		t.Fatalf("no_secret rejections = %d, want 2", got)
	}
	// A secret set at runtime applies to the next delivery, and the earlier
	// refusals did not consume the id.
	set(secret)
	resp, _ = do(t, c, svixRequest(t, base, secret, "svix", "msg_ns", time.Now(), body))
	if resp.StatusCode != 204 {
		t.Fatalf("after setting the secret: status = %d, want 204", resp.StatusCode)
	}
	eventually(t, "sink call", func() bool { return sink.count("msg_ns") == 1 })
}

func TestSvixNotReductoPayload(t *testing.T) {
	secret := newSecret(t)
	sink := newCountSink()
	s, base := startServer(t, Config{Secret: func() string { return secret }, Sink: sink, Log: newMemLog()})
	c := testClient()
	bodies := []string{
		`not json`,
		`{"status":"Completed"}`,
		`{"job_id":"j1"}`,
		`{"job_id":"","status":"Completed"}`,
		`{"job_id":5,"status":"Completed"}`,
		`[]`,
		`null`,
		`{"job_id":"j1","status":"Completed"} trailing`,
		`{"job_id":"` + strings.Repeat("x", 300) + `","status":"Completed"}`,
		``,
	}
	for i, b := range bodies {
		resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_bad_"+strconv.Itoa(i), time.Now(), []byte(b)))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("body %q: status = %d, want 400", b, resp.StatusCode)
		}
	}
	if got := s.Stats().Rejected[ReasonPayload]; got != uint64(len(bodies)) {
		t.Fatalf("payload rejections = %d, want %d", got, len(bodies))
	}
	if sink.total.Load() != 0 {
		t.Fatalf("sink called %d times for bad payloads", sink.total.Load())
	}
}

func TestBodyLimit(t *testing.T) {
	secret := newSecret(t)
	token := strings.Repeat("ab", 32)
	sink := newCountSink()
	_, base := startServer(t, Config{Secret: func() string { return secret }, DirectToken: token, Sink: sink, Log: newMemLog()})
	c := testClient()

	// A valid payload padded with JSON whitespace to exactly 1 MiB is fine.
	exact := padTo(reductoBody("job-big", "Completed"), MaxBodyBytes)
	resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_exact", time.Now(), exact))
	if resp.StatusCode != 204 {
		t.Fatalf("1 MiB body: status = %d, want 204", resp.StatusCode)
	}
	over := padTo(reductoBody("job-big", "Completed"), MaxBodyBytes+1)
	resp, _ = do(t, c, svixRequest(t, base, secret, "svix", "msg_over", time.Now(), over))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MiB + 1 body: status = %d, want 413", resp.StatusCode)
	}
	// Chunked (no Content-Length) is cut off by the reader too.
	req := svixRequest(t, base, secret, "svix", "msg_chunked", time.Now(), over)
	req.ContentLength = -1
	req.Body = nopCloser(over)
	resp, _ = do(t, c, req)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked 1 MiB + 1 body: status = %d, want 413", resp.StatusCode)
	}
	// The direct endpoint has the same rule.
	dreq, _ := http.NewRequest(http.MethodPost, base+PathDirectPrefix+token, bytes.NewReader(over))
	resp, _ = do(t, c, dreq)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("direct 1 MiB + 1 body: status = %d, want 413", resp.StatusCode)
	}
	eventually(t, "sink call", func() bool { return sink.total.Load() == 1 })
}

// padTo inserts spaces before the closing brace so body is n bytes long
// and still valid JSON.
func padTo(body []byte, n int) []byte {
	out := make([]byte, 0, n)
	out = append(out, body[:len(body)-1]...)
	out = append(out, bytes.Repeat([]byte(" "), n-len(body))...)
	out = append(out, '}')
	var v map[string]any
	if len(out) != n || json.Unmarshal(out, &v) != nil {
		panic("padTo produced a bad body")
	}
	return out
}

// shiftedClock is the wall clock moved by a fixed offset, like the sandbox's
// sped-up clock some time after start.
type shiftedClock struct {
	clock.Real
	by time.Duration
}

func (c shiftedClock) Now() time.Time { return time.Now().Add(c.by) }

func TestSvixTimestampAgainstInjectedClock(t *testing.T) {
	secret := newSecret(t)
	clk := shiftedClock{by: -time.Hour}
	sink := newCountSink()
	_, base := startServer(t, Config{Secret: func() string { return secret }, Sink: sink, Log: newMemLog(), Clock: clk})
	c := testClient()
	body := reductoBody("job-clock", "Completed")

	// Signed at the injected clock's "now": fresh for this receiver.
	if resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_clk", clk.Now(), body)); resp.StatusCode != 204 {
		t.Fatalf("signed on the injected clock: status = %d, want 204", resp.StatusCode)
	}
	// Signed at wall-clock time: an hour in this receiver's future.
	if resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_wall", time.Now(), body)); resp.StatusCode != 401 {
		t.Fatalf("signed on the wall clock: status = %d, want 401", resp.StatusCode)
	}
	// The MAC is still checked.
	req := svixRequest(t, base, secret, "svix", "msg_clk2", clk.Now(), body)
	req.Header.Set("svix-signature", "v1,bogus")
	if resp, _ := do(t, c, req); resp.StatusCode != 401 {
		t.Fatalf("bad MAC with an injected clock: status = %d, want 401", resp.StatusCode)
	}
	eventually(t, "sink call", func() bool { return sink.total.Load() == 1 })
}
