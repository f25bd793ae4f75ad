package core

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// svixTarget is a user's own handler: it verifies every request with the
// svix library (which refuses a timestamp more than 5 minutes from the
// wall clock) and keeps what it accepted and why it refused the rest.
type svixTarget struct {
	mu      sync.Mutex
	bodies  [][]byte
	headers []http.Header
	refused []string
}

func (h *svixTarget) handler(secret func() string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		wh, err := svix.NewWebhook(secret())
		if err == nil {
			err = wh.Verify(body, r.Header)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if err != nil {
			h.refused = append(h.refused, err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		h.bodies = append(h.bodies, body)
		h.headers = append(h.headers, r.Header.Clone())
		w.WriteHeader(http.StatusNoContent)
	}
}

func (h *svixTarget) got() [][]byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([][]byte(nil), h.bodies...)
}

// accepted returns the headers and bodies accepted and the refusals.
func (h *svixTarget) accepted() ([]http.Header, [][]byte, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]http.Header(nil), h.headers...), append([][]byte(nil), h.bodies...), append([]string(nil), h.refused...)
}

func TestForwardReplayRerunAndSelfTest(t *testing.T) {
	var a *App
	target := &svixTarget{}
	srv := httptest.NewServer(target.handler(func() string { return a.secret() }))
	defer srv.Close()
	a, _ = startCore(t, Flags{Sandbox: true, Forward: []string{srv.URL + "/hook"}}, nil)
	ctx := context.Background()

	steps := a.SelfTest(ctx)
	if len(steps) != 3 {
		t.Fatalf("self-test steps = %+v", steps)
	}
	for _, s := range steps {
		if !s.OK {
			t.Fatalf("self-test step %s failed: %s", s.Name, s.Detail)
		}
	}

	// A verified delivery about a job this install does not know.
	body := []byte(`{"status":"Completed","job_id":"job-elsewhere","metadata":{"n":1}}`)
	postSigned(t, a, "msg_fwd_1", body)
	waitFor(t, "the forward", func() bool { return len(target.got()) == 1 })
	if got := target.got()[0]; !bytes.Equal(got, body) {
		t.Fatalf("target got %q, want the exact body %q", got, body)
	}
	// A duplicate is not forwarded again.
	postSigned(t, a, "msg_fwd_1", body)
	var rec jobs.DeliveryRecord
	waitFor(t, "delivered state", func() bool {
		rs, _ := a.Deliveries(ctx, jobs.DeliveryFilter{Verdict: jobs.VerdictAccepted})
		for _, r := range rs {
			if r.ID == "msg_fwd_1" && len(r.Forwards) == 1 && r.Forwards[0].State == jobs.ForwardDelivered {
				rec = r
				return true
			}
		}
		return false
	})
	if f := rec.Forwards[0]; f.Code != 204 || f.Attempts != 1 || f.URL != srv.URL+"/hook" {
		t.Errorf("forward state = %+v", f)
	}
	waitFor(t, "the duplicate record", func() bool {
		rs, _ := a.Deliveries(ctx, jobs.DeliveryFilter{Verdict: jobs.VerdictDuplicate})
		return len(rs) == 1
	})

	// Replay sends it again; re-run changes nothing.
	if n, err := a.Replay(ctx, rec.Seq); err != nil || n != 1 {
		t.Fatalf("replay = %d, %v", n, err)
	}
	waitFor(t, "the replayed forward", func() bool { return len(target.got()) == 2 })
	if _, _, refused := target.accepted(); !bytes.Equal(target.got()[1], body) || len(refused) != 0 {
		t.Errorf("replay: body %q, refused by the target's verification: %q", target.got()[1], refused)
	}
	before, _ := a.store.List(ctx, jobs.Query{Limit: 10})
	res, err := a.Rerun(ctx, rec.Seq)
	if err != nil || res.Changed || !res.Seen || !strings.Contains(res.Outcome, "nothing changed") {
		t.Fatalf("rerun = %+v, %v", res, err)
	}
	after, _ := a.store.List(ctx, jobs.Query{Limit: 10})
	if len(before) != len(after) {
		t.Errorf("rerun changed the history: %d jobs, then %d", len(before), len(after))
	}
	if len(target.got()) != 2 {
		t.Errorf("the self-test or the duplicate was forwarded: %d forwards", len(target.got()))
	}
}

// A target that is down when the delivery comes gets it once it is back,
// also when the app was restarted in between.
func TestForwardToDeadTargetSurvivesRestart(t *testing.T) {
	home := t.TempDir()
	st, err := store.Open(datadir.DatabasePath(home))
	if err != nil {
		t.Fatal(err)
	}
	// The target's port, closed for now.
	ln, err := newLoopbackListener()
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/hook"
	ln.Close()
	body := []byte(`{"status":"Completed","job_id":"job-1"}`)
	rec := jobs.DeliveryRecord{ID: "msg_down", ReceivedAt: time.Now(), Via: jobs.ViaSvix, Verdict: jobs.VerdictAccepted,
		HTTPStatus: 204, Headers: http.Header{"Svix-Id": {"msg_down"}, "Content-Type": {"application/json"}}, Body: body,
		Forwards: []jobs.Forward{{URL: url}}}
	if _, _, err := st.AppendDeliveryLog(context.Background(), []jobs.DeliveryRecord{rec}); err != nil {
		t.Fatal(err)
	}
	h := &deliveryHub{store: st, subs: map[int]func(jobs.DeliveryRecord){}}
	fwd := newTestForwarder(st, h)
	fwd.SetTargets([]string{url})
	waitFor(t, "a failed attempt", func() bool {
		r, _ := st.ListDeliveryLog(context.Background(), jobs.DeliveryFilter{})
		return len(r) == 1 && len(r[0].Forwards) == 1 && r[0].Forwards[0].Attempts >= 1 && r[0].Forwards[0].State == jobs.ForwardRetrying
	})
	fwd.Close() // the app quits
	st.Close()

	// The target comes back on its port; the app starts again.
	got := make(chan []byte, 1)
	ln2, err := listenOn(strings.TrimPrefix(strings.TrimSuffix(url, "/hook"), "http://"))
	if err != nil {
		t.Skipf("the port was taken meanwhile: %v", err)
	}
	back := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("svix-id") == "msg_down" {
			select {
			case got <- b:
			default:
			}
		}
		w.WriteHeader(http.StatusOK)
	})}
	go back.Serve(ln2)
	defer back.Close()
	st2, err := store.Open(datadir.DatabasePath(home))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	fwd2 := newTestForwarder(st2, h)
	defer fwd2.Close()
	fwd2.SetTargets([]string{url})
	select {
	case b := <-got:
		if !bytes.Equal(b, body) {
			t.Errorf("target got %q after the restart, want %q", b, body)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the delivery never reached the target after it came back")
	}
	waitFor(t, "delivered", func() bool {
		r, _ := st2.ListDeliveryLog(context.Background(), jobs.DeliveryFilter{})
		return r[0].Forwards[0].State == jobs.ForwardDelivered && r[0].Forwards[0].Code == 200
	})
}

// `deliveries --json` prints the contract's shape (golden file).
func TestDeliveriesJSONGolden(t *testing.T) {
	home := t.TempDir()
	t.Setenv("REDUCTO_TRAY_HOME", home)
	st, err := store.Open(datadir.DatabasePath(home))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	recs := []jobs.DeliveryRecord{
		{ID: "msg_1", ReceivedAt: at, Via: jobs.ViaSvix, Verdict: jobs.VerdictAccepted, JobID: "job-1", Status: "Completed",
			HTTPStatus: 204, Body: []byte(`{}`), Forwards: []jobs.Forward{{URL: "http://localhost:3000/webhook"}}},
		{ID: "local-abc", ReceivedAt: at.Add(time.Second), Via: jobs.ViaDirect, Verdict: jobs.VerdictUnknownToken, HTTPStatus: 404,
			Reason: "wrong token"},
		{ID: "msg_2", ReceivedAt: at.Add(2 * time.Second), Via: jobs.ViaRelay, Verdict: jobs.VerdictStale, HTTPStatus: 401},
	}
	if _, _, err := st.AppendDeliveryLog(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	st.Close()
	var out, errOut bytes.Buffer
	if code := RunDeliveries([]string{"--json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	golden := filepath.Join("testdata", "deliveries.golden.json")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(golden, out.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("deliveries --json:\n%s\nwant:\n%s", out.String(), want)
	}
}
