package core

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/receiver"
)

// selfTestWait bounds how long the self-test waits for its record.
const selfTestWait = 3 * time.Second

// SelfTest sends a Svix-signed test delivery, signed with the secret in
// force, to this app's own receiver over loopback HTTP and reports each
// step: the receiver answers, the signature is accepted, the delivery is
// in the log. The test payload's job_id starts with
// receiver.SelfTestPrefix: the receiver records it and hands it neither to
// the engine nor to the forward targets. Steps after a failed one are not
// reported.
func (a *App) SelfTest(ctx context.Context) []jobs.SelfTestStep {
	var steps []jobs.SelfTestStep
	fail := func(name, format string, args ...any) []jobs.SelfTestStep {
		return append(steps, jobs.SelfTestStep{Name: name, Detail: fmt.Sprintf(format, args...)})
	}
	if a.recvAddr == "" {
		return fail("listening", "the webhook receiver is not listening (its address was taken at start; see the log)")
	}
	base := "http://" + loopbackAddr(a.recvAddr)
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := get(ctx, client, base+receiver.PathHealth)
	if err != nil {
		return fail("listening", "no answer from %s: %v", base, err)
	}
	if resp != http.StatusOK {
		return fail("listening", "%s answered %d", base+receiver.PathHealth, resp)
	}
	steps = append(steps, jobs.SelfTestStep{Name: "listening", OK: true, Detail: "the receiver answers on " + a.recvAddr})

	secret := a.secret()
	if secret == "" {
		return fail("signature accepted", "no webhook secret in Settings (or REDUCTO_WEBHOOK_SECRET): Svix deliveries cannot be verified")
	}
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		return fail("signature accepted", "the webhook secret in Settings is not usable: %v", err)
	}
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	id := "msg_selftest_" + hex.EncodeToString(nonce)
	body := fmt.Appendf(nil, `{"status":"Completed","job_id":"%s%s","metadata":{"reducto_tray":"self-test"}}`,
		receiver.SelfTestPrefix, hex.EncodeToString(nonce))
	now := time.Now()
	sig, err := wh.Sign(id, now, body)
	if err != nil {
		return fail("signature accepted", "sign the test delivery: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+receiver.PathSvix, bytes.NewReader(body))
	if err != nil {
		return fail("signature accepted", "%v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("svix-id", id)
	req.Header.Set("svix-timestamp", fmt.Sprint(now.Unix()))
	req.Header.Set("svix-signature", sig)
	r, err := client.Do(req)
	if err != nil {
		return fail("signature accepted", "the test delivery was not answered: %v", err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusNoContent {
		return fail("signature accepted", "the receiver answered %d to a delivery signed with the secret in Settings", r.StatusCode)
	}
	steps = append(steps, jobs.SelfTestStep{Name: "signature accepted", OK: true,
		Detail: "a delivery signed with the secret in Settings was answered 204"})

	deadline := time.Now().Add(selfTestWait)
	for {
		recs, err := a.store.ListDeliveryLog(ctx, jobs.DeliveryFilter{Since: now.Add(-time.Second), Limit: 100})
		if err == nil {
			for _, rec := range recs {
				if rec.ID == id {
					return append(steps, jobs.SelfTestStep{Name: "recorded", OK: rec.Verdict == jobs.VerdictAccepted,
						Detail: fmt.Sprintf("in the delivery log as %s (%s)", rec.Verdict, rec.Reason)})
				}
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fail("recorded", "the test delivery is not in the delivery log after %s", selfTestWait)
		}
		time.Sleep(20 * time.Millisecond) // the log writer batches for up to 20 ms
	}
}

func get(ctx context.Context, c *http.Client, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// loopbackAddr turns a listen address on every interface (0.0.0.0:7433,
// [::]:7433) into one this machine can dial.
func loopbackAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

// RerunResult is what handing a logged delivery to the engine again did.
type RerunResult struct {
	Seq   int64
	ID    string // the delivery id
	JobID string
	// Seen says the receiver's dedupe table holds the id: had the sender
	// retried it, the receiver would have answered 204 and gone no further.
	Seen bool
	// Known says the job is in this install's history.
	Known         bool
	Before, After jobs.Status
	Changed       bool
	// Outcome says it in words, e.g. "duplicate: job ... is already
	// completed; nothing changed".
	Outcome string
}

// Rerun hands the logged delivery seq to the engine again ("re-run
// through the app") and reports what changed, which for a delivery the app
// already applied is nothing: the transition is idempotent.
func (a *App) Rerun(ctx context.Context, seq int64) (RerunResult, error) {
	rec, err := a.store.GetDeliveryLog(ctx, seq)
	if err != nil {
		return RerunResult{}, fmt.Errorf("re-run delivery %d: %w", seq, err)
	}
	if rec.Body == nil {
		return RerunResult{}, fmt.Errorf("re-run delivery %d: its body was not kept (a %s request)", seq, rec.Verdict)
	}
	d, err := receiver.ParseDelivery(rec.ID, rec.Via, rec.Body)
	if err != nil {
		return RerunResult{}, fmt.Errorf("re-run delivery %d: %w", seq, err)
	}
	res := RerunResult{Seq: seq, ID: rec.ID, JobID: d.JobID}
	if res.Seen, err = a.store.DeliverySeen(ctx, rec.ID); err != nil {
		return res, fmt.Errorf("re-run delivery %d: %w", seq, err)
	}
	before, berr := a.store.GetByJobID(ctx, d.JobID)
	res.Known = berr == nil
	if receiver.IsSelfTest(d.JobID) {
		res.Outcome = "a self-test delivery: the app ignores it; nothing changed"
		return res, nil
	}
	herr := a.engine.HandleWebhook(ctx, d)
	after, aerr := a.store.GetByJobID(ctx, d.JobID)
	if res.Known && aerr == nil {
		res.Before, res.After = before.Status, after.Status
		res.Changed = before.Status != after.Status || !before.UpdatedAt.Equal(after.UpdatedAt)
	}
	switch {
	case errors.Is(herr, jobs.ErrUnknownJob) || !res.Known:
		res.Outcome = fmt.Sprintf("job %s is not in this install's history: the engine ignored it; nothing changed", d.JobID)
	case herr != nil:
		return res, fmt.Errorf("re-run delivery %d: %w", seq, herr)
	case res.Changed:
		res.Outcome = fmt.Sprintf("job %s moved from %s to %s", d.JobID, res.Before, res.After)
	case res.Before.Final():
		res.Outcome = fmt.Sprintf("duplicate: job %s is already %s; nothing changed", d.JobID, res.Before)
	default:
		res.Outcome = fmt.Sprintf("job %s is %s: the engine checks it again, as any webhook makes it do", d.JobID, res.Before)
	}
	return res, nil
}
