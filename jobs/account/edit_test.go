package account_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// TestListedEditsReadTheLegacyShape: an edit lists its raw_config in the
// legacy shape, the reference and the webhook top-level: another client's
// edit is recorded with its document's name, kind and Svix webhook, and
// one carrying our reference is known as ours.
func TestListedEditsReadTheLegacyShape(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.mon.SetEnabled(true)
	theirs := r.other(t, reductotest.OtherJob{Kind: "edit", FileName: "form.pdf", Svix: true, Channels: []string{"ops"},
		Metadata: json.RawMessage(`{"team":"hr"}`)})
	ours := r.other(t, reductotest.OtherJob{Kind: "edit", FileName: "mine.pdf", Metadata: json.RawMessage(`{"reducto_tray_ref":"r-7"}`)})
	if _, err := r.store.Create(ctx, []jobs.Job{{File: "/tmp/mine.pdf", Kind: jobs.KindEdit, ClientRef: "r-7"}}); err != nil {
		t.Fatal(err)
	}
	if err := r.mon.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := r.store.AccountJobs(ctx, store.AccountQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].JobID != theirs {
		t.Fatalf("account jobs %+v, want only %s (not ours, %s)", list, theirs, ours)
	}
	a := list[0]
	if a.Kind != jobs.KindEdit || a.Name != "form.pdf" || a.Webhook != jobs.WebhookSvix || len(a.Channels) != 1 || string(a.Metadata) != `{"team":"hr"}` {
		t.Errorf("recorded %+v", a)
	}
}
