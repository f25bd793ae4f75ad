package account_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/account"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

type rig struct {
	sim   *reductotest.Server
	store *store.Store
	path  string
	mon   *account.Monitor
}

func newRig(t *testing.T) *rig {
	t.Helper()
	sim := reductotest.NewServer(reductotest.Config{APIKey: "k", JobDuration: func(reductotest.Submission) time.Duration { return 20 * time.Millisecond }})
	t.Cleanup(sim.Close)
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := &rig{sim: sim, store: st, path: path}
	r.mon = r.monitor()
	return r
}

func (r *rig) monitor() *account.Monitor {
	return account.New(account.Config{Client: reducto.New(r.sim.URL, "k"), Store: r.store, Pace: 10 * time.Millisecond})
}

// other submits a job as another client and waits for it to end.
func (r *rig) other(t *testing.T, o reductotest.OtherJob) string {
	t.Helper()
	id, err := r.sim.SubmitAsOther(o)
	if err != nil {
		t.Fatal(err)
	}
	want := "Completed"
	if o.Fail != "" {
		want = "Failed"
	}
	if err := r.sim.WaitForStatus(id, want, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	return id
}

// next waits for the next event on sub.
func next(t *testing.T, sub *jobs.Subscription) jobs.Event {
	t.Helper()
	select {
	case ev := <-sub.C():
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no account event")
	}
	return jobs.Event{}
}

func TestDeliveryForAnotherClientsJobIsRecordedOnlyWhenMonitoring(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.mon.Run(ctx)
	id := r.other(t, reductotest.OtherJob{FileName: "q3 report.pdf", Svix: true, Channels: []string{"team-b"}, Metadata: json.RawMessage(`{"batch":"42"}`)})
	d := jobs.Delivery{ID: "msg_1", JobID: id, Status: "Completed", Metadata: json.RawMessage(`{"batch":"42"}`), Source: jobs.WebhookSvix}

	if err := r.mon.HandleDelivery(ctx, d); !errors.Is(err, jobs.ErrUnknownJob) {
		t.Fatalf("monitoring off: err = %v, want ErrUnknownJob", err)
	}
	if _, err := r.store.AccountJob(ctx, id); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("recorded while off: %v", err)
	}

	sub := r.mon.Subscribe()
	defer sub.Close()
	r.mon.SetEnabled(true) // the (empty) baseline catch-up is harmless here
	if err := r.mon.HandleDelivery(ctx, d); err != nil {
		t.Fatalf("monitoring on: %v", err)
	}
	// The delivery is recorded at once, then GET /job fills in the rest.
	var last jobs.Event
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		last = next(t, sub)
		if !last.Account {
			t.Fatalf("event without Account: %+v", last)
		}
		if a, err := r.store.AccountJob(ctx, id); err == nil && a.Credits != nil && a.Kind == jobs.KindParse {
			break
		}
	}
	a, err := r.store.AccountJob(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != jobs.StatusCompleted || a.Name != "q3 report.pdf" || len(a.Channels) != 1 || a.Channels[0] != "team-b" ||
		string(a.Metadata) != `{"batch":"42"}` || a.Credits == nil || a.Pages == 0 || a.Webhook != jobs.WebhookSvix {
		t.Fatalf("account job %+v", a)
	}
	if n, _ := r.store.Count(ctx, jobs.Query{}); n != 0 {
		t.Fatalf("the plain history has %d jobs, want 0", n)
	}
}

func TestOwnJobIsNeverAnAccountJob(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.mon.SetEnabled(true)
	js, err := r.store.Create(ctx, []jobs.Job{{File: "/tmp/a.pdf", Kind: jobs.KindParse, Webhook: jobs.WebhookSvix, ClientRef: "ref-ours"}})
	if err != nil {
		t.Fatal(err)
	}
	// Final locally with its id not stored (the engine answers unknown):
	// the reference in the metadata still says it is ours.
	if _, _, err := r.store.Update(ctx, js[0].ID, jobs.StatusCancelled, store.Patch{}); err != nil {
		t.Fatal(err)
	}
	d := jobs.Delivery{JobID: "landed-late", Status: "Completed", Metadata: json.RawMessage(`{"reducto_tray_ref":"ref-ours"}`), Source: jobs.WebhookSvix}
	if err := r.mon.HandleDelivery(ctx, d); !errors.Is(err, jobs.ErrUnknownJob) {
		t.Fatalf("err = %v, want ErrUnknownJob", err)
	}
	if _, err := r.store.AccountJob(ctx, "landed-late"); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("our job was recorded as the account's: %v", err)
	}
}

func TestCatchUpListsOtherClientsJobsPacedAndSkipsOurs(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.mon.SetEnabled(true)
	var others []string
	for i := range 7 {
		o := reductotest.OtherJob{FileName: "doc.pdf", Kind: []string{"parse", "extract", "split"}[i%3]}
		if i == 3 {
			o.Fail = "password protected"
		}
		others = append(others, r.other(t, o))
	}
	ours := r.other(t, reductotest.OtherJob{Metadata: json.RawMessage(`{"reducto_tray_ref":"r-9"}`)})
	js, err := r.store.Create(ctx, []jobs.Job{{File: "/tmp/b.pdf", Kind: jobs.KindParse, ClientRef: "r-9"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = js
	sub := r.mon.Subscribe()
	defer sub.Close()
	// A second monitor on the same history (as after a restart): paced, never a 429.
	mon := account.New(account.Config{Client: reducto.New(r.sim.URL, "k"), Store: r.store, Pace: 10 * time.Millisecond})
	mon.SetEnabled(true)
	if err := mon.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := r.store.AccountJobs(ctx, store.AccountQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(others) {
		t.Fatalf("%d account jobs, want %d", len(list), len(others))
	}
	for _, a := range list {
		if a.JobID == ours {
			t.Fatal("our own job was recorded as the account's")
		}
		if a.Kind == "" || a.Name != "doc.pdf" || !a.Status.Final() {
			t.Fatalf("listed job %+v", a)
		}
	}
	if n := r.sim.Count429(); n != 0 {
		t.Fatalf("%d answers 429", n)
	}
}

func TestCatchUpAfterAGapNotifiesWhatWasMissed(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	first := r.other(t, reductotest.OtherJob{FileName: "before.pdf"})
	r.mon.SetEnabled(true)
	sub := r.mon.Subscribe()
	defer sub.Close()
	if err := r.mon.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	// The first pass is a baseline: shown, not notified (EventAdded).
	if ev := next(t, sub); ev.Kind != jobs.EventAdded || ev.Job.JobID != first {
		t.Fatalf("baseline event %+v", ev)
	}

	// The app closes; meanwhile another client's job runs and fails.
	missed := r.other(t, reductotest.OtherJob{FileName: "while away.pdf", Fail: "unreadable"})
	// The app starts again on the same history.
	again := r.monitor()
	again.SetEnabled(true)
	sub2 := again.Subscribe()
	defer sub2.Close()
	if err := again.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	ev := next(t, sub2)
	if ev.Kind != jobs.EventChanged || !ev.Account || ev.Job.JobID != missed || ev.Job.Status != jobs.StatusFailed {
		t.Fatalf("missed job's event %+v, want EventChanged failed for %s", ev, missed)
	}
	select {
	case ev := <-sub2.C():
		t.Fatalf("a known job was published again: %+v", ev)
	default:
	}
}

func TestSleptSeesAWallClockJump(t *testing.T) {
	prev := time.Now()
	if account.Slept(prev, prev.Add(30*time.Second), 30*time.Second) {
		t.Fatal("an on-time tick counted as a sleep")
	}
	// A suspend: the monotonic clock stood still while the wall clock ran
	// on for an hour (AddDate keeps no monotonic reading, so Round(0) on
	// both sides compares wall times and Sub the rest).
	woke := prev.Add(30 * time.Second)
	if !account.Slept(prev.Round(0), woke.Round(0).Add(time.Hour), 30*time.Second) {
		t.Fatal("an hour's jump did not count as a sleep")
	}
}
