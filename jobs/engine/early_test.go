package engine

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// manualClock stands still until moved.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}
func (c *manualClock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }
func (c *manualClock) After(d time.Duration) <-chan time.Time {
	return make(chan time.Time) // never fires: nothing here waits
}
func (c *manualClock) NewTimer(d time.Duration) clock.Timer { return clock.Real{}.NewTimer(time.Hour) }

// Fault 6: webhooks that arrive before their job's id is stored are
// remembered for a while only, so the map cannot grow for ever.
func TestEarlyWebhooksAreForgotten(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clk := &manualClock{now: time.Now()}
	e := New(Config{Store: st, Clock: clk})
	ctx := context.Background()
	if _, err := st.Create(ctx, []jobs.Job{{File: "/tmp/a.pdf", Kind: jobs.KindParse, ClientRef: "ours"}}); err != nil {
		t.Fatal(err)
	}
	meta, _ := json.Marshal(map[string]string{RefKey: "ours"})
	early := func(jobID string) {
		t.Helper()
		if err := e.HandleWebhook(ctx, jobs.Delivery{JobID: jobID, Status: "Completed", Metadata: meta, Source: jobs.WebhookSvix}); err != nil {
			t.Fatal(err)
		}
	}
	remembered := func(jobID string) bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		_, ok := e.early[jobID]
		return ok
	}
	early("job-1")
	if !remembered("job-1") {
		t.Fatal("an early webhook was not remembered")
	}
	clk.add(earlyTTL + time.Second)
	early("job-2")
	if remembered("job-1") || !remembered("job-2") {
		t.Fatalf("after %v: job-1 remembered %v, job-2 %v; want only job-2", earlyTTL, remembered("job-1"), remembered("job-2"))
	}
}
