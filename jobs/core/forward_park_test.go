package core

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/receiver/forward"
)

// A delivery its target always refuses is parked as failed after its
// attempts, stays replayable, and the deliveries queued behind it go out.
func TestFailingForwardIsParkedAndTheNextGoesOut(t *testing.T) {
	st := openTestStore(t)
	var mu sync.Mutex
	var order []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("svix-id")
		mu.Lock()
		order = append(order, id)
		mu.Unlock()
		if id == "msg_poison" {
			http.Error(w, "this one never", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	now := time.Now()
	recs := []jobs.DeliveryRecord{
		signedRecord(t, testSecret, "msg_poison", now, []byte(`{"status":"Failed","job_id":"j1"}`), srv.URL),
		signedRecord(t, testSecret, "msg_next", now, []byte(`{"status":"Completed","job_id":"j2"}`), srv.URL),
	}
	seqs, _, err := st.AppendDeliveryLog(context.Background(), recs)
	if err != nil {
		t.Fatal(err)
	}
	const attempts = 4
	fwd := newTestForwarderWith(st, forward.Config{MaxAttempts: attempts, Secret: func() string { return testSecret }})
	defer fwd.Close()
	fwd.SetTargets([]string{srv.URL})
	waitFor(t, "the next delivery", func() bool { return forwardsOf(t, st, seqs[1])[0].State == jobs.ForwardDelivered })
	f := forwardsOf(t, st, seqs[0])[0]
	if f.State != jobs.ForwardFailed || f.Attempts != attempts || f.Code != 500 {
		t.Errorf("poison forward = %+v, want failed after %d attempts with code 500", f, attempts)
	}
	mu.Lock()
	want := []string{"msg_poison", "msg_poison", "msg_poison", "msg_poison", "msg_next"}
	if len(order) != len(want) || order[attempts] != "msg_next" {
		t.Errorf("target saw %v, want %v", order, want)
	}
	mu.Unlock()
	// Parked, not lost: a replay queues it again.
	if n, err := st.QueueForwards(context.Background(), seqs[:1], []string{srv.URL}); err != nil || n != 1 {
		t.Errorf("replay of the parked delivery queued %d, %v", n, err)
	}
}

// A target that is not listening is not a delivery refusing to go: its
// forwards wait past the refusal limit, still retrying, and all go out,
// in order, once it listens again.
func TestForwardsWaitForATargetThatIsDown(t *testing.T) {
	st := openTestStore(t)
	ln, err := newLoopbackListener()
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	url := "http://" + addr + "/hook"
	ln.Close()
	now := time.Now()
	seqs, _, err := st.AppendDeliveryLog(context.Background(), []jobs.DeliveryRecord{
		signedRecord(t, testSecret, "msg_wait_1", now, []byte(`{"status":"Completed","job_id":"j1"}`), url),
		signedRecord(t, testSecret, "msg_wait_2", now, []byte(`{"status":"Completed","job_id":"j2"}`), url),
	})
	if err != nil {
		t.Fatal(err)
	}
	const limit = 2
	fwd := newTestForwarderWith(st, forward.Config{MaxAttempts: limit, Secret: func() string { return testSecret }})
	defer fwd.Close()
	fwd.SetTargets([]string{url})
	waitFor(t, "attempts past the refusal limit", func() bool { return forwardsOf(t, st, seqs[0])[0].Attempts > 3*limit })
	if f := forwardsOf(t, st, seqs[0])[0]; f.State != jobs.ForwardRetrying || f.Error == "" {
		t.Fatalf("forward to a target that is down = %+v, want still retrying with the reason", f)
	}
	var mu sync.Mutex
	var order []string
	ln2, err := listenOn(addr)
	if err != nil {
		t.Skipf("the port was taken meanwhile: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		order = append(order, r.Header.Get("svix-id"))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})}
	go srv.Serve(ln2)
	defer srv.Close()
	waitFor(t, "both delivered", func() bool { return forwardsOf(t, st, seqs[1])[0].State == jobs.ForwardDelivered })
	if f := forwardsOf(t, st, seqs[0])[0]; f.State != jobs.ForwardDelivered {
		t.Errorf("first forward = %+v", f)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(order) != 2 || order[0] != "msg_wait_1" {
		t.Errorf("the target got %v, want msg_wait_1 then msg_wait_2", order)
	}
}
