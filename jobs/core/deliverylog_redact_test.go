package core

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/store"
	"github.com/reductotray/reducto-tray/receiver"
)

// The delivery log keeps the names of Authorization, Cookie and
// Proxy-Authorization headers but never their values: not in what it
// shows, not anywhere in the SQLite file or its WAL.
func TestDeliveryLogNeverStoresCredentials(t *testing.T) {
	a, _ := startCore(t, Flags{Sandbox: true}, nil)
	ctx := context.Background()
	creds := map[string]string{
		"Authorization":       "Bearer sk-live-AUTHSECRET-7f3a",
		"Cookie":              "session=COOKIESECRET-91c2",
		"Proxy-Authorization": "Basic UFJPWFlTRUNSRVQtNWQ0ZQ==",
	}
	send := func(id string, sign bool) {
		body := []byte(`{"status":"Completed","job_id":"job-creds"}`)
		now := time.Now()
		sig := "v1,bm90LWEtc2lnbmF0dXJl"
		if sign {
			wh, _ := svix.NewWebhook(a.secret())
			sig, _ = wh.Sign(id, now, body)
		}
		req, _ := http.NewRequest(http.MethodPost, "http://"+a.ReceiverAddr()+receiver.PathSvix, bytes.NewReader(body))
		req.Header.Set("svix-id", id)
		req.Header.Set("svix-timestamp", fmt.Sprint(now.Unix()))
		req.Header.Set("svix-signature", sig)
		for k, v := range creds {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	send("msg_creds_ok", true)   // accepted: the group commit's path
	send("msg_creds_bad", false) // bad signature: the log writer's path
	var recs []jobs.DeliveryRecord
	waitFor(t, "both records", func() bool {
		recs, _ = a.Deliveries(ctx, jobs.DeliveryFilter{})
		return len(recs) == 2
	})
	for _, r := range recs {
		full, err := a.Delivery(ctx, r.Seq)
		if err != nil {
			t.Fatal(err)
		}
		for k := range creds {
			if got := full.Headers.Get(k); got != store.Redacted {
				t.Errorf("%s (%s): %s = %q, want %q", r.ID, r.Verdict, k, got, store.Redacted)
			}
		}
	}
	path := datadir.DatabasePath(a.home)
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for k, v := range creds {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("%s holds the %s value", f, k)
			}
		}
	}
}
