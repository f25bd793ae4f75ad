package relay

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/datadir"
)

// stateLog keeps every status a client reported through OnState.
type stateLog struct {
	mu  sync.Mutex
	all []Status
}

func (l *stateLog) add(s Status) {
	l.mu.Lock()
	l.all = append(l.all, s)
	l.mu.Unlock()
}

func (l *stateLog) snapshot() []Status {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Status(nil), l.all...)
}

// find returns the first reported status matching ok.
func (l *stateLog) find(ok func(Status) bool) (Status, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.all {
		if ok(s) {
			return s, true
		}
	}
	return Status{}, false
}

// waitFor polls cond until it holds or a generous deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// startClient runs a client until the test ends and checks Run's return.
func startClient(t testing.TB, cfg Config) (*Client, *stateLog, context.CancelFunc) {
	t.Helper()
	states := &stateLog{}
	cfg.OnState = states.add
	if cfg.Logger == nil {
		cfg.Logger = quietLog
	}
	if cfg.Handler == nil {
		cfg.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	}
	c := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	stop := func() {
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v, want context.Canceled", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	}
	var once sync.Once
	t.Cleanup(func() { once.Do(stop) })
	return c, states, func() { once.Do(stop) }
}

func readTokenFile(t *testing.T, home string) string {
	t.Helper()
	b, err := os.ReadFile(datadir.RelayTokenPath(home))
	if err != nil {
		t.Fatalf("read token file: %v", err)
	}
	return strings.TrimSpace(string(b))
}

func TestHandshakeGivesPublicURL(t *testing.T) {
	relay := newFakeRelay(t)
	home := t.TempDir()
	c, states, _ := startClient(t, Config{URL: relay.url, Home: home, KeepAlive: time.Minute})

	rc := relay.next(t)
	tok := readTokenFile(t, home)
	if rc.token != "c_"+tok {
		t.Fatalf("start token = %q, want c_ + file token %q", rc.token, tok)
	}
	want := "https://play.svix.com/in/" + replyToken(rc.token) + "/"
	waitFor(t, "connected status", func() bool { return c.Status().State == StateConnected })
	st := c.Status()
	if st.PublicURL != want || st.Err != "" {
		t.Fatalf("status = %+v, want public URL %s and no error", st, want)
	}
	h := st.Health()
	if len(h) != 2 || h["state"] != "connected" || h["url"] != want {
		t.Fatalf("Health() = %v", h)
	}
	// OnState runs after the status changed: wait for it, do not race it.
	waitFor(t, "OnState to report the connection", func() bool {
		_, ok := states.find(func(s Status) bool { return s.State == StateConnected && s.PublicURL == want })
		return ok
	})
}

func TestEventReplayedIntoHandlerAndAnswered(t *testing.T) {
	relay := newFakeRelay(t)
	secretKey := make([]byte, 24)
	rand.Read(secretKey)
	wh, err := svix.NewWebhook("whsec_" + base64.StdEncoding.EncodeToString(secretKey))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"job_id": "job-1",  "status":"Completed"}`) // odd spacing: raw bytes must survive
	now := time.Now()
	sig, err := wh.Sign("msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}

	var calls atomic.Int32
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		got, _ := io.ReadAll(r.Body)
		switch {
		case r.Method != http.MethodPost:
			t.Errorf("method = %s", r.Method)
		case r.URL.Path != WebhookPath:
			t.Errorf("path = %s", r.URL.Path)
		case !bytes.Equal(got, body):
			t.Errorf("body = %q, want %q", got, body)
		case r.ContentLength != int64(len(body)):
			t.Errorf("content length = %d", r.ContentLength)
		case r.Host != "play.svix.com":
			t.Errorf("host = %q", r.Host)
		case r.Header.Get("Content-Type") != "application/json":
			t.Errorf("content-type = %q", r.Header.Get("Content-Type"))
		}
		if err := wh.Verify(got, r.Header); err != nil {
			t.Errorf("svix signature did not survive the relay: %v", err)
		}
		w.Header().Set("X-Reply", "yes")
		w.Header().Add("Vary", "A")
		w.Header().Add("Vary", "B")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "accepted")
	})
	startClient(t, Config{URL: relay.url, Home: t.TempDir(), Handler: handler, KeepAlive: time.Minute})
	rc := relay.next(t)

	// A frame the client cannot read is skipped, not fatal.
	rc.sendRaw(t, []byte("not json"))
	rc.sendEvent(t, eventIn{
		ID:     "evt_1",
		Method: "POST",
		Headers: map[string]string{
			"svix-id":        "msg_1",
			"svix-timestamp": strconv.FormatInt(now.Unix(), 10),
			"svix-signature": sig,
			"content-type":   "application/json",
			"content-length": "999",
			"host":           "play.svix.com",
		},
		Body: base64.StdEncoding.EncodeToString(body),
	})
	out, typ := rc.readReply(t)
	if typ != websocket.MessageBinary {
		t.Errorf("reply sent as %v, want binary like the Svix CLI", typ)
	}
	if out.ID != "evt_1" || out.Status != http.StatusAccepted {
		t.Fatalf("reply id=%q status=%d, want evt_1/202", out.ID, out.Status)
	}
	if out.Headers["x-reply"] != "yes" || out.Headers["vary"] != "A, B" {
		t.Fatalf("reply headers = %v", out.Headers)
	}
	if b, _ := base64.StdEncoding.DecodeString(out.Body); string(b) != "accepted" {
		t.Fatalf("reply body = %q (%q)", b, out.Body)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("handler called %d times, want 1", n)
	}
}

func TestEventWithBadBodyIsNotAnswered(t *testing.T) {
	relay := newFakeRelay(t)
	var calls atomic.Int32
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})
	startClient(t, Config{URL: relay.url, Home: t.TempDir(), Handler: handler, KeepAlive: time.Minute})
	rc := relay.next(t)
	rc.sendEvent(t, eventIn{ID: "bad", Method: "POST", Body: "%%% not base64"})
	rc.sendEvent(t, eventIn{ID: "good", Method: "POST", Body: ""})
	// Replies come in order here because the first event never reaches the
	// handler: the first reply must be the good one's.
	out, _ := rc.readReply(t)
	if out.ID != "good" || out.Status != http.StatusNoContent {
		t.Fatalf("first reply = %+v, want good/204 (bad event answered?)", out)
	}
	if calls.Load() != 1 {
		t.Fatalf("handler called %d times, want 1", calls.Load())
	}
}

func TestHandlerPanicBecomes500(t *testing.T) {
	relay := newFakeRelay(t)
	handler := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	startClient(t, Config{URL: relay.url, Home: t.TempDir(), Handler: handler, KeepAlive: time.Minute})
	rc := relay.next(t)
	rc.sendEvent(t, eventIn{ID: "p", Method: "POST"})
	if out, _ := rc.readReply(t); out.Status != http.StatusInternalServerError {
		t.Fatalf("status after panic = %d, want 500", out.Status)
	}
	rc.sendEvent(t, eventIn{ID: "p2", Method: "POST"})
	if out, _ := rc.readReply(t); out.ID != "p2" {
		t.Fatalf("client stopped serving after a panic: %+v", out)
	}
}

func TestDroppedSocketReconnectsWithSameToken(t *testing.T) {
	relay := newFakeRelay(t)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	c, states, _ := startClient(t, Config{
		URL: relay.url, Home: t.TempDir(), Handler: handler,
		KeepAlive: time.Minute, Backoff: backoff.Policy{Min: 10 * time.Millisecond, Max: 10 * time.Millisecond},
	})
	first := relay.next(t)
	waitFor(t, "first connection", func() bool { return c.Status().State == StateConnected })
	url := c.Status().PublicURL

	first.ws.CloseNow()
	second := relay.next(t)
	if second.token != first.token {
		t.Fatalf("reconnected with token %q, want %q", second.token, first.token)
	}
	if _, ok := states.find(func(s Status) bool { return s.State == StateReconnecting && s.PublicURL == url && s.Err != "" }); !ok {
		t.Fatal("drop was not reported as reconnecting (with the URL kept and a reason)")
	}
	waitFor(t, "reconnected", func() bool { return c.Status().State == StateConnected })

	second.sendEvent(t, eventIn{ID: "after-drop", Method: "POST"})
	if out, _ := second.readReply(t); out.ID != "after-drop" || out.Status != http.StatusNoContent {
		t.Fatalf("delivery after reconnect = %+v", out)
	}
	if got := c.Status(); got.PublicURL != url || got.Err != "" {
		t.Fatalf("status after reconnect = %+v, want URL %s", got, url)
	}
}

func TestSilentRelayIsDropped(t *testing.T) {
	relay := newFakeRelay(t)
	_, states, _ := startClient(t, Config{
		URL: relay.url, Home: t.TempDir(),
		KeepAlive: 150 * time.Millisecond, Backoff: backoff.Policy{Min: time.Millisecond, Max: time.Millisecond},
	})
	first := relay.next(t)
	// The fake relay never pings: the client must give up and come back.
	second := relay.next(t)
	if second.token != first.token {
		t.Fatalf("token changed across reconnect: %q -> %q", first.token, second.token)
	}
	if _, ok := states.find(func(s Status) bool {
		return s.State == StateReconnecting && strings.Contains(s.Err, "silent")
	}); !ok {
		t.Fatal("no reconnecting status naming the silence")
	}
}

func TestPingsKeepConnectionAlive(t *testing.T) {
	relay := newFakeRelay(t)
	keep := 500 * time.Millisecond
	c, _, _ := startClient(t, Config{URL: relay.url, Home: t.TempDir(), KeepAlive: keep})
	rc := relay.next(t)
	ctx := rc.ws.CloseRead(context.Background()) // lets the relay side receive pongs
	// Ping, as the real relay does, for more than twice the keepalive; the
	// pings are the behaviour under test, not synchronisation.
	tick := time.NewTicker(keep / 10)
	defer tick.Stop()
	end := time.Now().Add(2*keep + keep/2)
	for time.Now().Before(end) {
		<-tick.C
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := rc.ws.Ping(pctx)
		cancel()
		if err != nil {
			t.Fatalf("ping: %v (client dropped a pinging relay)", err)
		}
	}
	select {
	case <-relay.conns:
		t.Fatal("client reconnected although the relay kept pinging")
	default:
	}
	if st := c.Status(); st.State != StateConnected {
		t.Fatalf("status = %+v", st)
	}
}

func TestWallClockJumpReconnects(t *testing.T) {
	relay := newFakeRelay(t)
	var skew atomic.Int64
	states := &stateLog{}
	c := New(Config{
		URL: relay.url, Home: t.TempDir(), Logger: quietLog, OnState: states.add,
		Handler:   http.NotFoundHandler(),
		KeepAlive: 2 * time.Second, Backoff: backoff.Policy{Min: time.Millisecond, Max: time.Millisecond},
	})
	start := time.Now()
	c.now = func() (time.Time, time.Duration) {
		t := time.Now()
		return t.Round(0).Add(time.Duration(skew.Load())), t.Sub(start)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	defer func() { cancel(); <-done }()

	first := relay.next(t)
	waitFor(t, "connected", func() bool { return c.Status().State == StateConnected })
	// A laptop sleeping for an hour: wall time leaps, monotonic time does not.
	skew.Store(int64(time.Hour))
	second := relay.next(t)
	if second.token != first.token {
		t.Fatal("token changed across reconnect")
	}
	if _, ok := states.find(func(s Status) bool { return strings.Contains(s.Err, "wall clock jumped") }); !ok {
		t.Fatalf("reconnect not attributed to the clock jump: %+v", states.snapshot())
	}
}

func TestTokenInUseFailsAndKeepsToken(t *testing.T) {
	relay := newFakeRelay(t)
	home := t.TempDir()
	const tok = "AbCdEfGhIjKlMnOpQrStUvWxYz0"
	if err := os.WriteFile(datadir.RelayTokenPath(home), []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	relay.inUse.Store(true)
	c, states, _ := startClient(t, Config{
		URL: relay.url, Home: home, KeepAlive: time.Minute,
		InUseRetry: 20 * time.Millisecond,
	})
	// It retries, slowly, with the same token each time.
	for range 3 {
		if got := relay.nextStart(t); got != "c_"+tok {
			t.Fatalf("presented token %q, want c_%s", got, tok)
		}
	}
	st := c.Status()
	if st.State != StateFailed || st.Err != ErrTokenInUse.Error() {
		t.Fatalf("status = %+v, want failed with %q", st, ErrTokenInUse)
	}
	if h := st.Health(); h["state"] != "failed" {
		t.Fatalf("Health() = %v", h)
	}
	if got := readTokenFile(t, home); got != tok {
		t.Fatalf("token file changed to %q", got)
	}

	// Once the other client lets go, the same URL comes back.
	relay.inUse.Store(false)
	relay.next(t)
	waitFor(t, "connected after token freed", func() bool { return c.Status().State == StateConnected })
	if want := "https://play.svix.com/in/" + replyToken(tok) + "/"; c.Status().PublicURL != want {
		t.Fatalf("public URL = %s, want %s", c.Status().PublicURL, want)
	}
	if _, ok := states.find(func(s Status) bool { return s.State == StateFailed }); !ok {
		t.Fatal("OnState never reported failed")
	}
}

func TestTokenPersistsAcrossClients(t *testing.T) {
	relay := newFakeRelay(t)
	home := t.TempDir()
	_, _, stop := startClient(t, Config{URL: relay.url, Home: home, KeepAlive: time.Minute})
	first := relay.next(t)
	stop()

	fi, err := os.Stat(datadir.RelayTokenPath(home))
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Fatalf("token file mode %o, want 600", perm)
	}
	tok := readTokenFile(t, home)
	if len(tok) != 27 || !validToken(tok) {
		t.Fatalf("token %q is not 27 base62 characters", tok)
	}

	startClient(t, Config{URL: relay.url, Home: home, KeepAlive: time.Minute})
	if second := relay.next(t); second.token != first.token || second.token != "c_"+tok {
		t.Fatalf("second client token %q, first %q, file %q", second.token, first.token, tok)
	}
	startClient(t, Config{URL: relay.url, Home: t.TempDir(), KeepAlive: time.Minute})
	if other := relay.next(t); other.token == first.token {
		t.Fatal("a different data folder got the same token")
	}
}

func TestCorruptTokenFileIsNotReplaced(t *testing.T) {
	home := t.TempDir()
	path := datadir.RelayTokenPath(home)
	if err := os.WriteFile(path, []byte("not a token!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := New(Config{URL: "ws://127.0.0.1:1/", Home: home, Handler: http.NotFoundHandler(), Logger: quietLog})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Run(ctx); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v, want a token error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "not a token!\n" {
		t.Fatalf("token file rewritten to %q", b)
	}
}

func TestHealthReportsContractStates(t *testing.T) {
	for in, want := range map[string]string{
		StateConnecting: "reconnecting", StateConnected: "connected",
		StateReconnecting: "reconnecting", StateFailed: "failed",
	} {
		h := Status{State: in, PublicURL: "u"}.Health()
		if h["state"] != want || h["url"] != "u" || len(h) != 2 {
			t.Errorf("Health(%s) = %v, want state %s", in, h, want)
		}
	}
}

func TestGeneratedTokensAreBase62AndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, err := generateToken()
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != tokenLen || !validToken(tok) {
			t.Fatalf("bad token %q", tok)
		}
		if seen[tok] {
			t.Fatalf("duplicate token %q", tok)
		}
		seen[tok] = true
	}
}
