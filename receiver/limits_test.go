package receiver

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeSignature is well formed (v1, base64 of a SHA-256 size) and wrong.
var fakeSignature = "v1," + base64.StdEncoding.EncodeToString(make([]byte, 32))

// openSlowBody dials the receiver at addr and sends the head of a Svix
// delivery with the given extra headers, declaring a body of declared
// bytes, then only the first few bytes of that body. The connection is
// closed at the end of the test.
func openSlowBody(t testing.TB, addr string, declared int, headers map[string]string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", PathSvix, addr, declared)
	for k, v := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	b.WriteString("\r\n{\"status\"")
	if _, err := c.Write([]byte(b.String())); err != nil {
		t.Fatalf("write request head: %v", err)
	}
	return c
}

// wellFormedHeaders look like a fresh Svix delivery and pass every check
// that can be made before the body is read.
func wellFormedHeaders(id string) map[string]string {
	return map[string]string{
		"svix-id":        id,
		"svix-timestamp": strconv.FormatInt(time.Now().Unix(), 10),
		"svix-signature": fakeSignature,
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// Fault 4: the Svix endpoint grew its buffer to the declared
// Content-Length before checking anything, so 100 idle connections each
// declaring 1 MiB pinned about 100 MiB.
func TestSlowBodiesPinNoMemory(t *testing.T) {
	secret := newSecret(t)
	sink := newCountSink()
	s, base := startServer(t, Config{Secret: func() string { return secret }, Sink: sink, Log: newMemLog()})
	addr := strings.TrimPrefix(base, "http://")

	const conns = 100
	before := heapInUse()
	for i := range conns {
		openSlowBody(t, addr, MaxBodyBytes, wellFormedHeaders("msg_slow_"+strconv.Itoa(i)))
	}
	eventually(t, "100 slow bodies being read", func() bool { return s.Stats().InFlight == conns })
	after := heapInUse()
	grown := int64(after) - int64(before)
	t.Logf("heap in use grew by %.1f MiB for %d connections declaring 1 MiB each", float64(grown)/(1<<20), conns)
	if grown > 16<<20 {
		t.Fatalf("heap in use grew by %d MiB for %d connections that sent a few bytes each, want < 16 MiB", grown>>20, conns)
	}

	// Meanwhile the receiver still serves deliveries and health checks.
	c := testClient()
	resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_real", time.Now(), reductoBody("job-real", "Completed")))
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delivery beside 100 slow bodies: status = %d, want 204", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, base+PathHealth, nil)
	if resp, _ := do(t, c, req); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz beside 100 slow bodies: status = %d, want 200", resp.StatusCode)
	}
	eventually(t, "sink call", func() bool { return sink.total.Load() == 1 })
}

// Past MaxInFlight, a request is answered 503 with Retry-After at once
// instead of queueing, and the refusal does not consume its delivery id.
func TestInFlightCap(t *testing.T) {
	secret := newSecret(t)
	sink := newCountSink()
	s, base := startServer(t, Config{
		Secret: func() string { return secret }, Sink: sink, Log: newMemLog(),
		MaxInFlight: 2, RetryAfter: 3 * time.Second,
	})
	addr := strings.TrimPrefix(base, "http://")
	slow := []net.Conn{
		openSlowBody(t, addr, 1000, wellFormedHeaders("msg_hold_1")),
		openSlowBody(t, addr, 1000, wellFormedHeaders("msg_hold_2")),
	}
	eventually(t, "2 slow bodies being read", func() bool { return s.Stats().InFlight == 2 })

	c := testClient()
	body := reductoBody("job-cap", "Completed")
	resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_cap", time.Now(), body))
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "3" {
		t.Fatalf("over the cap: status %d, Retry-After %q; want 503 and 3", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if st := s.Stats(); st.Rejected[ReasonBusy] != 1 || st.InFlightCap != 2 {
		t.Fatalf("stats = %+v, want one busy rejection and a cap of 2", st)
	}

	for _, conn := range slow {
		conn.Close()
	}
	eventually(t, "slots freed", func() bool { return s.Stats().InFlight == 0 })
	resp, _ = do(t, c, svixRequest(t, base, secret, "svix", "msg_cap", time.Now(), body))
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("retry after the cap cleared: status = %d, want 204", resp.StatusCode)
	}
	eventually(t, "sink call", func() bool { return sink.count("msg_cap") == 1 })
}

// Headers that can never verify are refused before the body is read: the
// answer comes while the client has sent only a few bytes of a body it
// declared as 1 MiB.
func TestSvixHeadersCheckedBeforeBody(t *testing.T) {
	secret := newSecret(t)
	s, base := startServer(t, Config{Secret: func() string { return secret }, Sink: newCountSink(), Log: newMemLog()})
	addr := strings.TrimPrefix(base, "http://")
	stale := wellFormedHeaders("msg_stale")
	stale["svix-timestamp"] = strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	noV1 := wellFormedHeaders("msg_nov1")
	noV1["svix-signature"] = "v2,abc v1a,def"
	cases := map[string]map[string]string{
		"no headers":       {},
		"no id":            {"svix-timestamp": stale["svix-timestamp"], "svix-signature": fakeSignature},
		"stale timestamp":  stale,
		"bad timestamp":    {"svix-id": "msg_bad_ts", "svix-timestamp": "soon", "svix-signature": fakeSignature},
		"no v1 signature":  noV1,
		"webhook-* stale":  {"webhook-id": "msg_w", "webhook-timestamp": "1", "webhook-signature": fakeSignature},
		"future timestamp": {"svix-id": "msg_future", "svix-timestamp": strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10), "svix-signature": fakeSignature},
		"empty signature":  {"svix-id": "msg_empty_sig", "svix-timestamp": strconv.FormatInt(time.Now().Unix(), 10), "svix-signature": "v1,"},
	}
	// In parallel, so that code which waits for the body fails in one
	// read timeout rather than one per case.
	t.Run("cases", func(t *testing.T) {
		for name, h := range cases {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				conn := openSlowBody(t, addr, MaxBodyBytes, h)
				// A bound on the wait, not a timing assertion: code that reads
				// the body first would wait for the server's 30 s read timeout.
				conn.SetReadDeadline(time.Now().Add(10 * time.Second))
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					t.Fatalf("no answer before the body was sent: %v", err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("status = %d, want 401", resp.StatusCode)
				}
			})
		}
	})
	if got := s.Stats().Rejected[ReasonSignature]; got != uint64(len(cases)) {
		t.Fatalf("signature rejections = %d, want %d", got, len(cases))
	}
}

// A declared Content-Length over 1 MiB is answered 413 at once, before the
// signature headers are even looked at.
func TestDeclaredTooLargeRefusedAtOnce(t *testing.T) {
	_, base := startServer(t, Config{Sink: newCountSink(), Log: newMemLog()})
	addr := strings.TrimPrefix(base, "http://")
	conn := openSlowBody(t, addr, MaxBodyBytes+1, nil)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", resp.StatusCode)
	}
}
