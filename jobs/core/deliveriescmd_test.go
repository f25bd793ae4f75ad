package core

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// TestDeliveriesJSONArray: `deliveries --json` is one well-formed array in
// every case a script meets: a history whose delivery log is empty prints
// exactly [], and a log longer than one page is one array (no bracket or
// comma lost at the page boundary), newest first, one element a line.
func TestDeliveriesJSONArray(t *testing.T) {
	home := t.TempDir()
	t.Setenv(datadir.HomeEnv, home)
	st, err := store.Open(datadir.DatabasePath(home))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	var out, errOut bytes.Buffer
	if code := RunDeliveries([]string{"--json"}, &out, &errOut); code != 0 || out.String() != "[]\n" {
		t.Fatalf("empty log: exit %d, stdout %q, stderr %q; want []", code, out.String(), errOut.String())
	}

	st, err = store.Open(datadir.DatabasePath(home))
	if err != nil {
		t.Fatal(err)
	}
	const n = deliveriesPage + 1
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	recs := make([]jobs.DeliveryRecord, n)
	for i := range recs {
		recs[i] = jobs.DeliveryRecord{ID: fmt.Sprintf("msg_%d", i), ReceivedAt: at.Add(time.Duration(i) * time.Second),
			Via: jobs.ViaSvix, Verdict: jobs.VerdictStale, HTTPStatus: 401}
	}
	if _, _, err := st.AppendDeliveryLog(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out.Reset()
	if code := RunDeliveries([]string{"--json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var got []deliveryJSON
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%d records do not parse as one array: %v", n, err)
	}
	if len(got) != n || got[0].ID != fmt.Sprintf("msg_%d", n-1) || got[n-1].ID != "msg_0" {
		t.Fatalf("%d elements, first %+v; want %d, newest first", len(got), got[0], n)
	}
	if lines := strings.Count(out.String(), "\n"); lines != n+2 {
		t.Errorf("%d lines, want one element a line between [ and ] (%d)", lines, n+2)
	}
}
