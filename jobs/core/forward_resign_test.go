package core

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/store"
	"github.com/reductotray/reducto-tray/receiver/forward"
)

// rotatedSecret is the secret in force after the delivery was signed with
// testSecret.
const rotatedSecret = "whsec_cm90YXRlZC1zZWNyZXQtZm9yLWZvcndhcmRzLTMy"

func openTestStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(datadir.DatabasePath(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// signedRecord is an accepted Svix delivery received at, signed then with
// secret, queued to url.
func signedRecord(t testing.TB, secret, id string, at time.Time, body []byte, url string) jobs.DeliveryRecord {
	t.Helper()
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := wh.Sign(id, at, body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("svix-id", id)
	h.Set("svix-timestamp", fmt.Sprint(at.Unix()))
	h.Set("svix-signature", sig)
	h.Set("User-Agent", "Svix-Webhooks/1.0")
	return jobs.DeliveryRecord{ID: id, ReceivedAt: at, Via: jobs.ViaSvix, Verdict: jobs.VerdictAccepted,
		HTTPStatus: 204, Headers: h, Body: body, Forwards: []jobs.Forward{{URL: url}}}
}

// forwardOf returns seq's forwards.
func forwardsOf(t testing.TB, st *store.Store, seq int64) []jobs.Forward {
	t.Helper()
	r, err := st.GetDeliveryLog(context.Background(), seq)
	if err != nil {
		t.Fatal(err)
	}
	return r.Forwards
}

// A delivery signed 10 minutes ago (held while the target was down, or
// replayed) reaches a handler verifying with the real svix library: the
// forward is signed when it is sent, with the secret in force (rotated
// since) and a fresh timestamp, with the same id and the exact body.
func TestLateForwardVerifiesWithTheSecretInForce(t *testing.T) {
	st := openTestStore(t)
	target := &svixTarget{}
	srv := httptest.NewServer(target.handler(func() string { return rotatedSecret }))
	defer srv.Close()
	held := time.Now().Add(-10 * time.Minute)
	body := []byte(`{"status":"Completed","job_id":"job-late","metadata":{"n":1}}`)
	// The second came with the standard-webhooks header family.
	wh := signedRecord(t, testSecret, "msg_late_wh", held, body, srv.URL)
	for _, k := range []string{"id", "timestamp", "signature"} {
		wh.Headers.Set("webhook-"+k, wh.Headers.Get("svix-"+k))
		wh.Headers.Del("svix-" + k)
	}
	seqs, _, err := st.AppendDeliveryLog(context.Background(),
		[]jobs.DeliveryRecord{signedRecord(t, testSecret, "msg_late", held, body, srv.URL), wh})
	if err != nil {
		t.Fatal(err)
	}
	fwd := newTestForwarderWith(st, forward.Config{MaxAttempts: 3, Secret: func() string { return rotatedSecret }})
	defer fwd.Close()
	fwd.SetTargets([]string{srv.URL})
	var f jobs.Forward
	waitFor(t, "the forwards settled", func() bool {
		f = forwardsOf(t, st, seqs[1])[0]
		return f.State != jobs.ForwardRetrying
	})
	hs, bodies, refused := target.accepted()
	if f.State != jobs.ForwardDelivered || len(hs) != 2 {
		t.Fatalf("forward %+v; the target accepted %d and refused %q", f, len(hs), refused)
	}
	for i, family := range []string{"svix-", "webhook-"} {
		id := []string{"msg_late", "msg_late_wh"}[i]
		if !bytes.Equal(bodies[i], body) || hs[i].Get(family+"id") != id {
			t.Errorf("target got %sid %q body %q, want %s and the exact body", family, hs[i].Get(family+"id"), bodies[i], id)
		}
		if ts := hs[i].Get(family + "timestamp"); ts == fmt.Sprint(held.Unix()) {
			t.Errorf("the forward kept the stale %stimestamp %s", family, ts)
		}
	}
	if hs[1].Get("svix-id") != "" {
		t.Errorf("a webhook-* delivery was forwarded with svix-id %q added", hs[1].Get("svix-id"))
	}
	if ua := hs[0].Get("User-Agent"); ua != "ReductoTray-forward" {
		t.Errorf("User-Agent %q: only the svix-*, webhook-* and content-type headers travel", ua)
	}
}

// A direct-mode delivery (no signature of its own) is signed with the
// secret in force under svix-id = its delivery id; without a secret it
// goes unsigned, as it came.
func TestDirectForwardSignedUnderItsDeliveryID(t *testing.T) {
	st := openTestStore(t)
	var mu sync.Mutex
	var got []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		h := r.Header.Clone()
		h.Set("X-Body", string(body))
		got = append(got, h)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	body := []byte(`{"status":"Completed","job_id":"job-d"}`)
	direct := func(id string) jobs.DeliveryRecord {
		return jobs.DeliveryRecord{ID: id, ReceivedAt: time.Now().Add(-time.Hour), Via: jobs.ViaDirect,
			Verdict: jobs.VerdictAccepted, HTTPStatus: 204, Body: body,
			// Unverified id headers a direct request happened to carry.
			Headers:  http.Header{"Content-Type": {"application/json"}, "Webhook-Id": {"forged"}},
			Forwards: []jobs.Forward{{URL: srv.URL}}}
	}
	if _, _, err := st.AppendDeliveryLog(context.Background(), []jobs.DeliveryRecord{direct("direct:job-d:Completed")}); err != nil {
		t.Fatal(err)
	}
	var secret string
	var smu sync.Mutex
	fwd := newTestForwarderWith(st, forward.Config{Secret: func() string { smu.Lock(); defer smu.Unlock(); return secret }})
	defer fwd.Close()
	smu.Lock()
	secret = testSecret
	smu.Unlock()
	fwd.SetTargets([]string{srv.URL})
	n := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }
	waitFor(t, "the signed direct forward", func() bool { return n() == 1 })
	mu.Lock()
	h := got[0]
	mu.Unlock()
	wh, _ := svix.NewWebhook(testSecret)
	if err := wh.Verify(body, h); err != nil {
		t.Fatalf("the direct forward does not verify: %v (headers %v)", err, h)
	}
	if h.Get("svix-id") != "direct:job-d:Completed" || h.Get("webhook-id") != "" {
		t.Errorf("svix-id %q webhook-id %q, want the delivery id and no unverified id", h.Get("svix-id"), h.Get("webhook-id"))
	}

	smu.Lock()
	secret = ""
	smu.Unlock()
	if _, _, err := st.AppendDeliveryLog(context.Background(), []jobs.DeliveryRecord{direct("direct:job-d:Failed")}); err != nil {
		t.Fatal(err)
	}
	fwd.Wake()
	waitFor(t, "the unsigned direct forward", func() bool { return n() == 2 })
	mu.Lock()
	h = got[1]
	mu.Unlock()
	if h.Get("svix-signature") != "" || h.Get("X-Body") != string(body) {
		t.Errorf("without a secret: signature %q body %q, want none and the exact body", h.Get("svix-signature"), h.Get("X-Body"))
	}
}
