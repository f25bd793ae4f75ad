package relay

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// fakeRelay is a local stand-in for api.relay.svix.com speaking the same
// protocol: it takes the start frame, answers it (or refuses the token as
// in use) and hands each accepted connection to the test.
type fakeRelay struct {
	srv    *httptest.Server
	url    string
	conns  chan *relayConn
	starts chan string // every token presented, accepted or not
	inUse  atomic.Bool
}

// relayConn is the relay's side of one client connection.
type relayConn struct {
	ws    *websocket.Conn
	token string // as sent by the client, with its c_ prefix
}

func newFakeRelay(t testing.TB) *fakeRelay {
	t.Helper()
	f := &fakeRelay{conns: make(chan *relayConn, 16), starts: make(chan string, 256)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	f.url = "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/api/v1/listen/"
	return f
}

// replyToken is what the fake relay answers for a client token; it differs
// from the client's so tests can see which one the public URL is built from.
func replyToken(clientToken string) string { return "in_" + strings.TrimPrefix(clientToken, "c_") }

func (f *fakeRelay) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	typ, data, err := ws.Read(ctx)
	if err != nil || typ != websocket.MessageText {
		ws.CloseNow()
		return
	}
	var f0 frame
	var sd startData
	if json.Unmarshal(data, &f0) != nil || f0.Type != "start" || f0.Version != 1 || json.Unmarshal(f0.Data, &sd) != nil {
		ws.Close(websocket.StatusProtocolError, "bad start")
		return
	}
	f.starts <- sd.Token
	if f.inUse.Load() {
		ws.Close(websocket.StatusPolicyViolation, "This socket is already in use")
		return
	}
	reply, _ := encodeFrame("start", startData{Token: replyToken(sd.Token)})
	if err := ws.Write(ctx, websocket.MessageText, reply); err != nil {
		ws.CloseNow()
		return
	}
	f.conns <- &relayConn{ws: ws, token: sd.Token}
}

// next waits for the next accepted connection.
func (f *fakeRelay) next(t testing.TB) *relayConn {
	t.Helper()
	select {
	case rc := <-f.conns:
		t.Cleanup(func() { rc.ws.CloseNow() })
		return rc
	case <-time.After(10 * time.Second):
		t.Fatal("client did not connect to the relay")
		return nil
	}
}

// nextStart waits for the next token presented in a start frame.
func (f *fakeRelay) nextStart(t testing.TB) string {
	t.Helper()
	select {
	case tok := <-f.starts:
		return tok
	case <-time.After(10 * time.Second):
		t.Fatal("client sent no start frame")
		return ""
	}
}

// sendEvent pushes a delivery to the client.
func (rc *relayConn) sendEvent(t testing.TB, ev eventIn) {
	t.Helper()
	b, err := encodeFrame("event", ev)
	if err != nil {
		t.Fatal(err)
	}
	rc.sendRaw(t, b)
}

func (rc *relayConn) sendRaw(t testing.TB, b []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rc.ws.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("relay write: %v", err)
	}
}

// readReply waits for the client's answer to a delivery.
func (rc *relayConn) readReply(t testing.TB) (eventOut, websocket.MessageType) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	typ, data, err := rc.ws.Read(ctx)
	if err != nil {
		t.Fatalf("relay read reply: %v", err)
	}
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("reply frame %q: %v", data, err)
	}
	if f.Type != "event" || f.Version != 1 {
		t.Fatalf("reply frame type=%q version=%d, want event/1", f.Type, f.Version)
	}
	var out eventOut
	if err := json.Unmarshal(f.Data, &out); err != nil {
		t.Fatalf("reply data %s: %v", f.Data, err)
	}
	return out, typ
}
