package receiver

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func openLogStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir() + "/history.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// findRecord waits for the oldest log record with id to be written.
func findRecord(t testing.TB, st *store.Store, id string) jobs.DeliveryRecord {
	t.Helper()
	var got jobs.DeliveryRecord
	eventually(t, "delivery log record "+id, func() bool {
		all, err := st.ListDeliveryLog(context.Background(), jobs.DeliveryFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for i := len(all) - 1; i >= 0; i-- {
			if r := all[i]; r.ID == id {
				got, err = st.GetDeliveryLog(context.Background(), r.Seq)
				if err != nil {
					t.Fatal(err)
				}
				return true
			}
		}
		return false
	})
	return got
}

// blockSink holds every Sink call until release is closed.
type blockSink struct{ release chan struct{} }

func (b blockSink) HandleWebhook(ctx context.Context, d jobs.Delivery) error {
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	return nil
}

func TestDeliveryLogRecordsEveryVerdictWithItsReason(t *testing.T) {
	st := openLogStore(t)
	secret := newSecret(t)
	sink := blockSink{release: make(chan struct{})}
	defer close(sink.release)
	s, base := startServer(t, Config{
		Secret: func() string { return secret }, Sink: sink, Log: st, Records: st,
		DirectToken: "tok-right", QueueSize: 1, Workers: 1,
		ForwardTargets: func() []string { return []string{"http://127.0.0.1:9/hook"} },
	})
	c := testClient()
	now := time.Now()
	send := func(req *http.Request, want int) {
		t.Helper()
		if resp, _ := do(t, c, req); resp.StatusCode != want {
			t.Fatalf("%s: status %d, want %d", req.Header.Get("svix-id"), resp.StatusCode, want)
		}
	}
	type want struct {
		verdict jobs.Verdict
		reason  string
		code    int
	}
	cases := map[string]want{}

	// accepted: held by the sink's one worker.
	body := reductoBody("job-a", "Completed")
	send(svixRequest(t, base, secret, "svix", "msg_accepted", now, body), 204)
	cases["msg_accepted"] = want{jobs.VerdictAccepted, "", 204}
	eventually(t, "the worker takes msg_accepted", func() bool { return s.Stats().QueueLen == 0 })
	// duplicate of it.
	send(svixRequest(t, base, secret, "svix", "msg_accepted", now, body), 204)
	// queue_full: one more fills the queue's one slot, the next is refused.
	send(svixRequest(t, base, secret, "svix", "msg_queued", now, reductoBody("job-b", "Completed")), 204)
	send(svixRequest(t, base, secret, "svix", "msg_full", now, reductoBody("job-c", "Completed")), 503)
	cases["msg_full"] = want{jobs.VerdictQueueFull, "queue to the engine is full", 503}
	// bad_signature: another secret; no signature header.
	send(svixRequest(t, base, newSecret(t), "svix", "msg_other_secret", now, body), 401)
	cases["msg_other_secret"] = want{jobs.VerdictBadSignature, "signed with a different secret than the one in Settings", 401}
	req := svixRequest(t, base, secret, "svix", "msg_unsigned", now, body)
	req.Header.Del("svix-signature")
	send(req, 401)
	cases["msg_unsigned"] = want{jobs.VerdictBadSignature, "no svix-signature header", 401}
	// stale: signed 9 minutes ago.
	send(svixRequest(t, base, secret, "svix", "msg_stale", now.Add(-9*time.Minute-5*time.Second), body), 401)
	cases["msg_stale"] = want{jobs.VerdictStale, "timestamp 9 min old: the computer's clock or a retried delivery", 401}
	// not_reducto: authentic, but not Reducto's shape.
	send(svixRequest(t, base, secret, "svix", "msg_not_reducto", now, []byte(`{"hello":"world"}`)), 400)
	cases["msg_not_reducto"] = want{jobs.VerdictNotReducto, "not a Reducto payload: missing job_id", 400}
	// too_large.
	send(svixRequest(t, base, secret, "svix", "msg_large", now, padTo(body, MaxBodyBytes+1)), 413)
	cases["msg_large"] = want{jobs.VerdictTooLarge, "over the 1 MiB limit", 413}

	for id, w := range cases {
		r := findRecord(t, st, id)
		if r.Verdict != w.verdict || !strings.Contains(r.Reason, w.reason) || r.HTTPStatus != w.code || r.Via != jobs.ViaSvix {
			t.Errorf("%s: got %s %q %d via %s, want %s %q %d", id, r.Verdict, r.Reason, r.HTTPStatus, r.Via, w.verdict, w.reason, w.code)
		}
		if r.Headers.Get("svix-id") != id {
			t.Errorf("%s: headers not kept: %v", id, r.Headers)
		}
	}
	acc := findRecord(t, st, "msg_accepted")
	if !bytes.Equal(acc.Body, body) || acc.JobID != "job-a" || acc.Status != "Completed" {
		t.Errorf("accepted record: body %q job %q status %q", acc.Body, acc.JobID, acc.Status)
	}
	if len(acc.Forwards) != 1 || acc.Forwards[0].State != jobs.ForwardRetrying {
		t.Errorf("accepted record's forwards = %+v", acc.Forwards)
	}
	all, _ := st.ListDeliveryLog(context.Background(), jobs.DeliveryFilter{Verdict: jobs.VerdictDuplicate})
	if len(all) != 1 || all[0].ID != "msg_accepted" {
		t.Fatalf("duplicate records = %+v", all)
	}
	dup, _ := st.GetDeliveryLog(context.Background(), all[0].Seq)
	if !bytes.Equal(dup.Body, body) || len(dup.Forwards) != 0 {
		t.Errorf("duplicate: body %q forwards %+v (a duplicate is never forwarded again)", dup.Body, dup.Forwards)
	}

	// unknown_token: the direct endpoint with a wrong token, no id.
	dreq, _ := http.NewRequest(http.MethodPost, base+PathDirectPrefix+"tok-wrong", bytes.NewReader(body))
	send(dreq, 404)
	eventually(t, "the unknown_token record", func() bool {
		rs, _ := st.ListDeliveryLog(context.Background(), jobs.DeliveryFilter{Verdict: jobs.VerdictUnknownToken})
		return len(rs) == 1 && rs[0].Via == jobs.ViaDirect && strings.HasPrefix(rs[0].ID, "local-") && rs[0].Reason != ""
	})

	// A relay event (replayed in-process) is logged as via relay.
	rreq := svixRequest(t, "", secret, "svix", "msg_relay", now, reductoBody("job-r", "Failed"))
	rreq.RemoteAddr = relayRemoteAddr
	s.Handler().ServeHTTP(httptest.NewRecorder(), rreq)
	if r := findRecord(t, st, "msg_relay"); r.Via != jobs.ViaRelay || r.Verdict != jobs.VerdictQueueFull {
		t.Errorf("relay record: via %s verdict %s", r.Via, r.Verdict)
	}
}

// A flood of forged requests keeps the log within its byte cap: past the
// detailed budget they are summaries, past the cap the oldest go, and a
// writer that falls behind drops (and counts) rather than queue.
func TestDeliveryLogFloodStaysWithinCap(t *testing.T) {
	st := openLogStore(t)
	secret := newSecret(t)
	const maxBytes = 128 << 10
	s := New(Config{
		Addr: "127.0.0.1:0", Secret: func() string { return secret }, Sink: newCountSink(), Log: st, Records: st,
		Logger: discardLogger(), LogLimits: LogLimits{MaxBytes: maxBytes, DetailedPerMinute: 50},
	})
	addr, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	const total = 10000
	c := testClient()
	var next atomic.Int64
	var wg sync.WaitGroup
	big := bytes.Repeat([]byte("x"), 2000)
	for range 16 {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > total {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, "http://"+addr+PathSvix, bytes.NewReader(big))
				req.Header.Set("svix-id", fmt.Sprintf("forged_%d_%s", i, strings.Repeat("y", 200)))
				req.Header.Set("svix-timestamp", fmt.Sprint(time.Now().Unix()))
				req.Header.Set("svix-signature", "v1,Zm9yZ2Vk")
				req.Header.Set("X-Padding", strings.Repeat("z", 4000))
				resp, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("forged request answered %d", resp.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	stats := s.Stats()
	if stats.LogWritten+stats.LogDropped != total {
		t.Errorf("written %d + dropped %d, want %d", stats.LogWritten, stats.LogDropped, total)
	}
	size, err := st.DeliveryLogBytes(context.Background())
	if err != nil || size > maxBytes || size == 0 {
		t.Errorf("log is %d bytes after the flood, cap %d (%v)", size, maxBytes, err)
	}
	rows, _ := st.ListDeliveryLog(context.Background(), jobs.DeliveryFilter{Limit: total})
	detailed := 0
	for _, r := range rows {
		if r.Verdict != jobs.VerdictBadSignature {
			t.Fatalf("forged request recorded as %s", r.Verdict)
		}
		if !r.Summary {
			detailed++
		}
	}
	if detailed > 100 { // 50 a minute; the flood may straddle a minute
		t.Errorf("%d rejected requests kept in detail, budget 50 a minute", detailed)
	}
	t.Logf("%d rows, %d bytes, %d detailed, %d dropped", len(rows), size, detailed, stats.LogDropped)
}

// A verified delivery's id and its log record (with its queued forward)
// are committed together, before the 204: when the record cannot be
// written the id is not recorded either and the sender gets 503, so its
// retry is accepted, logged and forwarded rather than answered as a
// duplicate of a delivery the log never saw.
func TestDeliveryLogRecordCommittedWithItsID(t *testing.T) {
	path := t.TempDir() + "/history.db"
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	// The injected failure: verified deliveries' rows cannot be inserted;
	// the 503's own record (queue_full) still can.
	if _, err := raw.Exec(`CREATE TRIGGER inject_failure BEFORE INSERT ON delivery_log
		WHEN NEW.verdict IN ('accepted', 'duplicate') BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	secret := newSecret(t)
	sink := newCountSink()
	const target = "http://127.0.0.1:9/hook"
	_, base := startServer(t, Config{
		Secret: func() string { return secret }, Sink: sink, Log: st, Records: st,
		ForwardTargets: func() []string { return []string{target} },
	})
	c := testClient()
	ctx := context.Background()
	body := reductoBody("job-a", "Completed")

	resp, _ := do(t, c, svixRequest(t, base, secret, "svix", "msg_atomic", time.Now(), body))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("delivery whose record fails answered %d, want 503", resp.StatusCode)
	}
	if seen, err := st.DeliverySeen(ctx, "msg_atomic"); err != nil || seen {
		t.Fatalf("id recorded without its log record (seen %v, %v)", seen, err)
	}
	if r := findRecord(t, st, "msg_atomic"); r.Verdict != jobs.VerdictQueueFull || r.HTTPStatus != 503 {
		t.Errorf("the refused delivery logged as %s %d, want queue_full 503", r.Verdict, r.HTTPStatus)
	}

	if _, err := raw.Exec(`DROP TRIGGER inject_failure`); err != nil {
		t.Fatal(err)
	}
	resp, _ = do(t, c, svixRequest(t, base, secret, "svix", "msg_atomic", time.Now(), body))
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("retry answered %d, want 204", resp.StatusCode)
	}
	// Committed before the 204: readable now, no waiting.
	acc, err := st.ListDeliveryLog(ctx, jobs.DeliveryFilter{Verdict: jobs.VerdictAccepted})
	if err != nil || len(acc) != 1 || acc[0].ID != "msg_atomic" {
		t.Fatalf("accepted records right after the 204 = %+v, %v", acc, err)
	}
	if len(acc[0].Forwards) != 1 || acc[0].Forwards[0].URL != target || acc[0].Forwards[0].State != jobs.ForwardRetrying {
		t.Errorf("accepted record's forwards = %+v, want one queued to %s", acc[0].Forwards, target)
	}
	eventually(t, "the sink gets msg_atomic", func() bool { return sink.count("msg_atomic") == 1 })
}
