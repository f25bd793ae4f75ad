package core

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/receiver"
)

// postSigned delivers body to a's receiver as Svix would, signed now.
func postSigned(t *testing.T, a *App, id string, body []byte) {
	t.Helper()
	wh, _ := svix.NewWebhook(a.secret())
	now := time.Now()
	sig, _ := wh.Sign(id, now, body)
	req, _ := http.NewRequest(http.MethodPost, "http://"+a.ReceiverAddr()+receiver.PathSvix, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("svix-id", id)
	req.Header.Set("svix-timestamp", fmt.Sprint(now.Unix()))
	req.Header.Set("svix-signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delivery %s answered %d", id, resp.StatusCode)
	}
}

// "Replay range" sends the real deliveries of the range again, never the
// app's own self-test ones (nor does replaying a self-test by hand).
func TestReplayRangeLeavesOutSelfTests(t *testing.T) {
	var a *App
	target := &svixTarget{}
	srv := httptest.NewServer(target.handler(func() string { return a.secret() }))
	defer srv.Close()
	a, _ = startCore(t, Flags{Sandbox: true, Forward: []string{srv.URL}}, nil)
	ctx := context.Background()
	for _, s := range a.SelfTest(ctx) {
		if !s.OK {
			t.Fatalf("self-test step %s: %s", s.Name, s.Detail)
		}
	}
	body := []byte(`{"status":"Completed","job_id":"job-range"}`)
	postSigned(t, a, "msg_range_1", body)
	waitFor(t, "the forward", func() bool { return len(target.got()) == 1 })

	var selfSeq int64
	waitFor(t, "the self-test record", func() bool {
		rs, _ := a.Deliveries(ctx, jobs.DeliveryFilter{})
		for _, r := range rs {
			if receiver.IsSelfTest(r.JobID) {
				selfSeq = r.Seq
			}
		}
		return selfSeq != 0
	})
	n, err := a.ReplayRange(ctx, jobs.DeliveryFilter{Since: time.Now().Add(-time.Hour)})
	if err != nil || n != 1 {
		t.Fatalf("replay range queued %d forwards (%v), want 1: the self-test is not replayed", n, err)
	}
	if n, err := a.Replay(ctx, selfSeq); err != nil || n != 0 {
		t.Errorf("replaying the self-test queued %d (%v), want 0", n, err)
	}
	waitFor(t, "the replayed forward", func() bool { return len(target.got()) == 2 })
	for _, b := range target.got() {
		if bytes.Contains(b, []byte(jobs.SelfTestJobPrefix)) {
			t.Errorf("the target got a self-test delivery: %s", b)
		}
	}
}
