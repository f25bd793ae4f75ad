package webhooksview

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs"
)

// cannedDeliveries are a few records of different verdicts and routes,
// newest first.
func cannedDeliveries(now time.Time) []jobs.DeliveryRecord {
	body := []byte(`{"status":"Completed","job_id":"rj-accepted-1","metadata":{"client_ref":"ref-1"}}`)
	return []jobs.DeliveryRecord{
		{Seq: 4, ID: "msg_4", ReceivedAt: now.Add(-time.Minute), Via: jobs.ViaSvix, Verdict: jobs.VerdictBadSignature,
			Reason: "signed with a different secret than the one in Settings", HTTPStatus: 401,
			Headers: http.Header{"Svix-Id": {"msg_4"}, "Svix-Signature": {"v1,AAAA"}}, BodySize: 80},
		{Seq: 3, ID: "msg_3", ReceivedAt: now.Add(-2 * time.Minute), Via: jobs.ViaRelay, Verdict: jobs.VerdictStale,
			Reason: "timestamp 9 min old: the computer's clock or a retried delivery", HTTPStatus: 401},
		{Seq: 2, ID: "msg_2", ReceivedAt: now.Add(-3 * time.Minute), Via: jobs.ViaSvix, Verdict: jobs.VerdictDuplicate,
			JobID: "rj-accepted-1", Status: "Completed", HTTPStatus: 204, Body: body, BodySize: len(body),
			Headers: http.Header{"Svix-Id": {"msg_1"}, "Content-Type": {"application/json"}}},
		{Seq: 1, ID: "msg_1", ReceivedAt: now.Add(-4 * time.Minute), Via: jobs.ViaSvix, Verdict: jobs.VerdictAccepted,
			JobID: "rj-accepted-1", Status: "Completed", HTTPStatus: 204, Body: body, BodySize: len(body),
			Headers: http.Header{"Svix-Id": {"msg_1"}, "Svix-Timestamp": {"1700000000"}, "Svix-Signature": {"v1,abc="},
				"Content-Type": {"application/json"}, "Content-Length": {"81"}},
			Forwards: []jobs.Forward{
				{URL: "http://localhost:3000/webhooks", State: jobs.ForwardDelivered, Code: 204, Attempts: 1},
				{URL: "http://localhost:4000/hook", State: jobs.ForwardRetrying, Code: 502, Attempts: 3, Error: "502 Bad Gateway"},
			}},
	}
}

func (r *rig) deliveryRows() []string {
	var rows []string
	r.onMain(func() { rows = r.v.list.Rows() })
	return rows
}

func TestWebhooksListShowsVerdictsNewestFirstAndFilters(t *testing.T) {
	fake := newFakeDeliveries(cannedDeliveries(time.Now())...)
	r := newWebhooksRig(t, fake, nil)
	l := r.v.list
	r.eventually("four deliveries", func() bool { return len(l.Rows()) == 4 })
	want := []string{"svix bad signature ", "relay stale timestamp ", "svix duplicate Completed · rj-accep…", "svix accepted Completed · rj-accep…"}
	if got := r.deliveryRows(); !slices.Equal(got, want) {
		t.Fatalf("rows = %q, want %q", got, want)
	}
	r.onMain(func() {
		if got := l.Count.Text; got != "4 deliveries" {
			t.Errorf("count = %q", got)
		}
		if l.Empty.Visible() {
			t.Error("the empty state shows over a list")
		}
		// The receiver's state names the newest delivery of the log.
		if got := r.v.Last.Text; !strings.Contains(got, "bad signature") || !strings.Contains(got, "svix") {
			t.Errorf("last delivery = %q", got)
		}
		if got := r.v.Listen.Text; !strings.Contains(got, "http://127.0.0.1:7433") {
			t.Errorf("receiver = %q", got)
		}
	})
	// The icons follow the verdict: a row drawn for the accepted one has
	// the success tick, the bad signature the error mark.
	r.onMain(func() {
		row := newDeliveryRow()
		row.show(l.recs[3], time.Now)
		if row.icon.Resource != verdictIcon(jobs.VerdictAccepted) || verdictIcon(jobs.VerdictAccepted) == verdictIcon(jobs.VerdictBadSignature) {
			t.Error("the accepted row does not have the accepted icon")
		}
	})

	r.onMain(func() { l.Verdict.SetSelected("duplicate") })
	r.eventually("only the duplicate", func() bool { return slices.Equal(l.Rows(), want[2:3]) })
	if f := fake.lastFilter(); f.Verdict != jobs.VerdictDuplicate {
		t.Errorf("filter sent = %+v", f)
	}
	r.onMain(func() { l.Verdict.SetSelected(allVerdicts); l.Route.SetSelected("relay") })
	r.eventually("only the relay one", func() bool { return slices.Equal(l.Rows(), want[1:2]) })
	r.onMain(func() { l.Route.SetSelected("direct") })
	r.eventually("nothing direct", func() bool { return len(l.Rows()) == 0 && l.Empty.Visible() })
	r.onMain(func() {
		if got := l.Empty.Text; got != "No deliveries match these filters." {
			t.Errorf("empty text under a filter = %q", got)
		}
	})
}

func TestWebhooksEmptyStateAndLiveArrival(t *testing.T) {
	fake := newFakeDeliveries()
	r := newWebhooksRig(t, fake, nil)
	l := r.v.list
	r.eventually("the empty state", func() bool { return l.Empty.Visible() && l.Empty.Text == webhooksEmptyText })
	r.onMain(func() {
		if got := r.v.Last.Text; got != "none yet" {
			t.Errorf("last delivery = %q", got)
		}
	})
	now := time.Now()
	fake.add(cannedDeliveries(now)[3])
	r.eventually("the new delivery listed", func() bool { return len(l.Rows()) == 1 && !l.Empty.Visible() })
	fake.add(cannedDeliveries(now)[0])
	r.eventually("the newest on top", func() bool { return len(l.Rows()) == 2 && strings.Contains(l.Rows()[0], "bad signature") })
}

func (r *rig) selectDelivery(i int) *DeliveryDetail {
	r.t.Helper()
	l, d := r.v.list, r.v.detail
	r.eventually("the list loaded", func() bool { return len(l.recs) > i })
	seq := int64(0)
	r.onMain(func() { seq = l.recs[i].Seq; l.List.Select(i) })
	r.eventually("the detail", func() bool { return d.shown && d.rec.Seq == seq })
	return d
}

func TestDeliveryDetailShowsHeadersBodyReasoningForwards(t *testing.T) {
	fake := newFakeDeliveries(cannedDeliveries(time.Now())...)
	r := newWebhooksRig(t, fake, nil)
	d := r.selectDelivery(3)
	r.onMain(func() {
		if got := d.Headers.Text(); !strings.Contains(got, "Svix-Signature: v1,abc=\n") || !strings.Contains(got, "Content-Type: application/json\n") {
			t.Errorf("headers = %q", got)
		}
		// Pretty-printed: one field per line, indented.
		if got := d.Body.Text(); !strings.Contains(got, "{\n  \"status\": \"Completed\",\n  \"job_id\": \"rj-accepted-1\",") {
			t.Errorf("body = %q", got)
		}
		if got := d.Reasoning.Text; !strings.Contains(got, "signature matches the secret in Settings") {
			t.Errorf("reasoning = %q", got)
		}
		if got := d.Job.Text; got != "rj-accepted-1" {
			t.Errorf("job = %q", got)
		}
		fw := d.Forwards.Text
		if !strings.Contains(fw, "http://localhost:3000/webhooks — delivered (204) after 1 attempt") ||
			!strings.Contains(fw, "http://localhost:4000/hook — retrying after 3 attempts, last answer 502: 502 Bad Gateway") {
			t.Errorf("forwards = %q", fw)
		}
		if d.Replay.Disabled() || d.Rerun.Disabled() || d.Curl.Disabled() {
			t.Error("actions disabled on an accepted delivery")
		}
	})
	// A forward's state moves on: the shown detail follows.
	fake.setForwards(1, []jobs.Forward{{URL: "http://localhost:4000/hook", State: jobs.ForwardDelivered, Code: 200, Attempts: 4}})
	r.eventually("the forward delivered", func() bool {
		return strings.Contains(d.Forwards.Text, "http://localhost:4000/hook — delivered (200) after 4 attempts")
	})

	// A refusal: the stored reason in words, no body, no replay.
	d = r.selectDelivery(0)
	r.onMain(func() {
		got := d.Reasoning.Text
		if !strings.Contains(got, "Signed with a different secret than the one in Settings.") || !strings.Contains(got, "401 Unauthorized") {
			t.Errorf("reasoning = %q", got)
		}
		if !strings.Contains(d.Body.Text(), "80 B body not kept") {
			t.Errorf("body = %q", d.Body.Text())
		}
		if !d.Replay.Disabled() || !d.Rerun.Disabled() {
			t.Error("a forged delivery may be replayed")
		}
	})
	d = r.selectDelivery(1)
	r.onMain(func() {
		if got := d.Reasoning.Text; !strings.Contains(got, "Timestamp 9 min old: the computer's clock or a retried delivery.") {
			t.Errorf("stale reasoning = %q", got)
		}
		if got := d.Headers.Text(); got != "(headers not kept)" {
			t.Errorf("summary headers = %q", got)
		}
	})
}

// TestCopyAsCurlReproducesTheSignedRequest copies a real Svix-signed
// delivery (a body with a quote, spaces and a newline) as curl, runs the
// command with sh against a loopback handler, and checks the handler got
// the exact body and headers and that Svix verification passes on them.
func TestCopyAsCurlReproducesTheSignedRequest(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	key := make([]byte, 24)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("{\"status\":\"Completed\",\"job_id\":\"rj-1\",\"metadata\":{\"note\":\"it's $HOME `x` \\\"q\\\"\"}}\n")
	ts := time.Now()
	sig, err := wh.Sign("msg_curl", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	headers := http.Header{"Svix-Id": {"msg_curl"}, "Svix-Timestamp": {strconv.FormatInt(ts.Unix(), 10)},
		"Svix-Signature": {sig}, "Content-Type": {"application/json"}, "Content-Length": {strconv.Itoa(len(body))}}

	type got struct {
		path   string
		body   []byte
		header http.Header
	}
	gotc := make(chan got, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		gotc <- got{req.URL.Path, b, req.Header.Clone()}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	fake := newFakeDeliveries(jobs.DeliveryRecord{Seq: 7, ID: "msg_curl", ReceivedAt: ts, Via: jobs.ViaSvix,
		Verdict: jobs.VerdictAccepted, JobID: "rj-1", HTTPStatus: 204, Headers: headers, Body: body, BodySize: len(body)})
	r := newWebhooksRig(t, fake, func(cfg *Config) { cfg.ListenAddr = addr })
	d := r.selectDelivery(0)
	r.onMain(func() { test.Tap(d.Curl) })
	var cmd string
	r.onMain(func() { cmd = r.App.Clipboard().Content() })
	want := "curl -X POST 'http://" + addr + "/webhooks/svix' \\\n" +
		"  -H 'Content-Type: application/json' \\\n" +
		"  -H 'Svix-Id: msg_curl' \\\n" +
		"  -H 'Svix-Signature: " + sig + "' \\\n" +
		"  -H 'Svix-Timestamp: " + strconv.FormatInt(ts.Unix(), 10) + "' \\\n" +
		"  --data-binary '{\"status\":\"Completed\",\"job_id\":\"rj-1\",\"metadata\":{\"note\":\"it'\\''s $HOME `x` \\\"q\\\"\"}}\n'"
	if cmd != want {
		t.Fatalf("clipboard =\n%s\nwant\n%s", cmd, want)
	}

	out, err := exec.Command("sh", "-c", cmd+" --silent --show-error --fail").CombinedOutput()
	if err != nil {
		t.Fatalf("running the copied command: %v: %s", err, out)
	}
	g := <-gotc
	if g.path != "/webhooks/svix" || !bytes.Equal(g.body, body) {
		t.Fatalf("handler got %s %q, want the exact body %q", g.path, g.body, body)
	}
	if err := wh.Verify(g.body, g.header); err != nil {
		t.Fatalf("svix verification of the replayed request: %v", err)
	}
}

func TestReplayAndRerunCallTheBackend(t *testing.T) {
	fake := newFakeDeliveries(cannedDeliveries(time.Now())...)
	fake.outcome = RerunOutcome{Verdict: jobs.VerdictDuplicate, Detail: "duplicate: job rj-accepted-1 is already completed; nothing changed"}
	r := newWebhooksRig(t, fake, nil)
	d := r.selectDelivery(3)
	r.onMain(func() { test.Tap(d.Replay) })
	r.eventually("the replay reported", func() bool { return d.Outcome.Visible() && strings.Contains(d.Outcome.Text, "Sent again") })
	r.onMain(func() { test.Tap(d.Rerun) })
	r.eventually("the re-run's outcome", func() bool { return strings.Contains(d.Outcome.Text, "Re-run") })
	r.onMain(func() {
		want := "Re-run through the app: duplicate: job rj-accepted-1 is already completed; nothing changed. The app had already seen this delivery, so nothing changed: that is the idempotency working."
		if got := d.Outcome.Text; got != want {
			t.Errorf("outcome = %q", got)
		}
	})
	replayed, rerun := fake.calls()
	if !slices.Equal(replayed, []int64{1}) || !slices.Equal(rerun, []int64{1}) {
		t.Fatalf("replayed %v, re-run %v; want [1] each", replayed, rerun)
	}
}

func TestSelfTestShowsEachStep(t *testing.T) {
	fake := newFakeDeliveries()
	fake.steps = []SelfTestStep{
		{Name: "Sign a test delivery with the secret in Settings", OK: true},
		{Name: "POST it to http://127.0.0.1:7433/webhooks/svix", OK: true, Detail: "answered 204 in 3 ms"},
		{Name: "Find it in the delivery log", OK: false, Detail: "recorded as bad signature: signed with a different secret than the one in Settings"},
	}
	r := newWebhooksRig(t, fake, nil)
	v := r.v
	r.onMain(func() { test.Tap(v.Check) })
	r.eventually("three steps", func() bool { return len(v.StepsText()) == 3 })
	want := []string{
		"✓ Sign a test delivery with the secret in Settings",
		"✓ POST it to http://127.0.0.1:7433/webhooks/svix: answered 204 in 3 ms",
		"✗ Find it in the delivery log: recorded as bad signature: signed with a different secret than the one in Settings",
	}
	r.onMain(func() {
		if got := v.StepsText(); !slices.Equal(got, want) {
			t.Errorf("steps = %q, want %q", got, want)
		}
		if got := r.Status(); got != "Health check failed; the steps say where" {
			t.Errorf("status = %q", got)
		}
	})
}

// TestDeliveryJobLinkSelectsTheJob follows a delivery's job link to the
// local job it names (ui's TestWebhookJobLinkShowsTheJob: to the Jobs tab).
func TestDeliveryJobLinkSelectsTheJob(t *testing.T) {
	fake := newFakeDeliveries(cannedDeliveries(time.Now())...)
	r := newWebhooksRig(t, fake, nil)
	fake.mu.Lock()
	fake.jobIDs["rj-accepted-1"] = 42
	fake.mu.Unlock()
	d := r.selectDelivery(3)
	r.onMain(func() {
		// On the link's text, where a click follows it.
		test.TapAt(d.Job, fyne.NewPos(d.Job.MinSize().Width/2, d.Job.MinSize().Height/2))
	})
	r.eventually("the job shown", func() bool { return slices.Equal(r.jobs, []int64{42}) })
}

// With no forward target in force, Replay is not offered (it was enabled
// and then failed with "replay: replay: no forward targets").
func TestReplayIsNotOfferedWithoutForwardTargets(t *testing.T) {
	fake := newFakeDeliveries(cannedDeliveries(time.Now())...)
	fake.noTargets = true
	r := newWebhooksRig(t, fake, nil)
	d := r.selectDelivery(3)
	r.onMain(func() {
		if !d.Replay.Disabled() {
			t.Error("Replay enabled with no forward targets")
		}
		if d.Rerun.Disabled() {
			t.Error("Re-run needs no forward target")
		}
	})
}

// A re-run that changed nothing for another reason than a duplicate (a
// self-test, an unknown job) does not also claim "the app had already
// seen this delivery"; an accepted delivery's reasoning does not claim the
// app took a status from a delivery it only recorded.
func TestRerunAndReasoningDoNotContradict(t *testing.T) {
	got := rerunText(RerunOutcome{Verdict: jobs.VerdictDuplicate, Detail: "a self-test delivery: the app ignores it; nothing changed"})
	if strings.Contains(got, "already seen") {
		t.Errorf("self-test re-run: %q", got)
	}
	if got := rerunText(RerunOutcome{Verdict: jobs.VerdictDuplicate, Detail: "duplicate: job j is already completed; nothing changed"}); !strings.Contains(got, "idempotency") {
		t.Errorf("duplicate re-run: %q", got)
	}
	if got := reasoning(jobs.DeliveryRecord{Verdict: jobs.VerdictAccepted}); strings.Contains(got, "took the job's status") || !strings.Contains(got, "self-test") {
		t.Errorf("accepted reasoning: %q", got)
	}
}

// A passing health check takes one line, so a small window keeps room for
// the delivery log; a failing one lists every step (above).
func TestSelfTestThatPassesTakesOneLine(t *testing.T) {
	fake := newFakeDeliveries()
	fake.steps = []SelfTestStep{{Name: "listening", OK: true}, {Name: "signature accepted", OK: true}, {Name: "recorded", OK: true}}
	r := newWebhooksRig(t, fake, nil)
	v := r.v
	r.onMain(func() { test.Tap(v.Check) })
	r.eventually("the passed line", func() bool {
		got := v.StepsText()
		return len(got) == 1 && got[0] == "✓ Health check passed: listening, signature accepted, recorded"
	})
}
