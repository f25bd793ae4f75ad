package receiver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Fault 6: /healthz answered any Host, so a web page whose name was
// rebound to 127.0.0.1 could read it (DNS rebinding).
func TestHealthzHostCheck(t *testing.T) {
	var public atomic.Value
	public.Store("https://Tray.Example.com:8443/base/")
	s, base := startServer(t, Config{
		Sink: newCountSink(), Log: newMemLog(),
		PublicURL: func() string { return public.Load().(string) },
	})
	port := base[strings.LastIndex(base, ":")+1:]
	c := testClient()
	get := func(host string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+PathHealth, nil)
		req.Host = host
		resp, _ := do(t, c, req)
		return resp.StatusCode
	}
	cases := []struct {
		host string
		want int
	}{
		{"127.0.0.1:" + port, 200},
		{"127.0.0.1", 200},
		{"127.8.9.10:" + port, 200},
		{"localhost:" + port, 200},
		{"LocalHost.", 200},
		{"[::1]:" + port, 200},
		{"[::1]", 200},
		{"tray.example.com", 200},
		{"TRAY.example.com.:443", 200},
		{"attacker.example:" + port, 421},
		{"attacker.example", 421},
		{"localhost.attacker.example", 421},
		{"127.0.0.1.attacker.example", 421},
		{"10.1.2.3:" + port, 421},
	}
	refused := 0
	for _, tc := range cases {
		if got := get(tc.host); got != tc.want {
			t.Errorf("GET /healthz with Host %q: status = %d, want %d", tc.host, got, tc.want)
		}
		if tc.want == 421 {
			refused++
		}
	}
	if got := s.Stats().Rejected[ReasonHost]; got != uint64(refused) {
		t.Fatalf("host rejections = %d, want %d", got, refused)
	}

	// Settings changed the public URL: the old host is refused at once.
	public.Store("https://relay.example.org")
	if got := get("tray.example.com"); got != 421 {
		t.Fatalf("old public host after a change: status = %d, want 421", got)
	}
	if got := get("relay.example.org"); got != 200 {
		t.Fatalf("new public host: status = %d, want 200", got)
	}
	// The webhook endpoints are not subject to the check: a reverse proxy
	// may forward them under any name.
	req, _ := http.NewRequest(http.MethodPost, base+PathSvix, nil)
	req.Host = "attacker.example"
	if resp, _ := do(t, c, req); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("svix endpoint under another Host: status = %d, want 401", resp.StatusCode)
	}
}

// The listen address's own host is allowed even when it is not loopback
// (a LAN address); an empty Host (HTTP/1.0) is not.
func TestHealthzListenHost(t *testing.T) {
	s := New(Config{Addr: "192.0.2.10:7433", Sink: newCountSink(), Log: newMemLog(), Logger: discardLogger()})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	for host, want := range map[string]int{
		"192.0.2.10:7433": 200,
		"192.0.2.10":      200,
		"192.0.2.11:7433": 421,
		"":                421,
	} {
		req := httptest.NewRequest(http.MethodGet, PathHealth, nil)
		req.Host = host
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %q: status = %d, want %d", host, rec.Code, want)
		}
	}
}
