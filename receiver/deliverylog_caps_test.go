package receiver

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// Deliveries waiting for a forward target that is down count against the
// log's size cap: the log stays within it, and the forwards the cap took
// are recorded as dropped (failed, with the reason), not lost silently.
func TestWaitingForwardsCountAgainstTheCap(t *testing.T) {
	st := openLogStore(t)
	secret := newSecret(t)
	const maxBytes = 64 << 10
	const down = "http://127.0.0.1:1/down" // no forwarder runs: every forward waits
	srv, base := startServer(t, Config{Secret: func() string { return secret }, Sink: newCountSink(), Log: st, Records: st,
		ForwardTargets: func() []string { return []string{down} }, LogLimits: LogLimits{MaxBytes: maxBytes}})
	c := testClient()
	pad := strings.Repeat("p", 2000)
	const n = 120 // about 260 KiB of bodies
	for i := range n {
		body := []byte(fmt.Sprintf(`{"status":"Completed","job_id":"job-%d","metadata":{"pad":%q}}`, i, pad))
		resp, _ := do(t, c, svixRequest(t, base, secret, "svix", fmt.Sprintf("msg_cap_%03d", i), time.Now(), body))
		if resp.StatusCode != 204 {
			t.Fatalf("delivery %d answered %d", i, resp.StatusCode)
		}
	}
	last := findRecord(t, st, fmt.Sprintf("msg_cap_%03d", n-1))
	if len(last.Forwards) != 1 || last.Forwards[0].State != jobs.ForwardRetrying {
		t.Fatalf("newest delivery's forward = %+v, want still waiting", last.Forwards)
	}
	var size int64
	eventually(t, "the log back within its cap", func() bool {
		size, _ = st.DeliveryLogBytes(context.Background())
		return size <= maxBytes
	})
	recs, err := st.ListDeliveryLog(context.Background(), jobs.DeliveryFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	waiting, dropped := 0, 0
	for _, r := range recs {
		for _, f := range r.Forwards {
			switch {
			case f.State == jobs.ForwardRetrying:
				waiting++
			case f.State == jobs.ForwardFailed && f.Error == store.DroppedBySize:
				dropped++
			default:
				t.Errorf("%s: forward %+v", r.ID, f)
			}
		}
	}
	if got := srv.Stats().ForwardsDropped; got < uint64(dropped) || got+uint64(waiting) != n {
		t.Errorf("Stats.ForwardsDropped = %d with %d of %d forwards waiting", got, waiting, n)
	}
	if dropped == 0 || waiting == 0 || waiting+dropped > n {
		t.Errorf("%d forwards waiting, %d recorded as dropped of %d (log %d bytes, cap %d)", waiting, dropped, n, size, maxBytes)
	}
	t.Logf("%d waiting, %d dropped and recorded, %d records, %d bytes", waiting, dropped, len(recs), size)
}
