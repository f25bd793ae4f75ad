package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

func logRecord(i int, v jobs.Verdict, forwards ...string) jobs.DeliveryRecord {
	r := jobs.DeliveryRecord{
		ID: fmt.Sprintf("msg_%d", i), ReceivedAt: time.UnixMilli(1_700_000_000_000 + int64(i)*1000),
		Via: jobs.ViaSvix, Verdict: v, HTTPStatus: 204, JobID: fmt.Sprintf("job-%d", i), Status: "Completed",
		Headers: http.Header{"Svix-Id": {fmt.Sprintf("msg_%d", i)}},
	}
	if v == jobs.VerdictAccepted {
		r.Body = []byte(fmt.Sprintf(`{"job_id":"job-%d","status":"Completed"}`, i))
		r.BodySize = len(r.Body)
	}
	for _, u := range forwards {
		r.Forwards = append(r.Forwards, jobs.Forward{URL: u})
	}
	return r
}

func TestDeliveryLogListGetAndFilters(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	recs := []jobs.DeliveryRecord{logRecord(1, jobs.VerdictAccepted, "http://127.0.0.1:1/a"), logRecord(2, jobs.VerdictBadSignature), logRecord(3, jobs.VerdictDuplicate)}
	recs[1].Reason, recs[1].HTTPStatus, recs[1].Via = "no svix-signature header", 401, jobs.ViaRelay
	seqs, added, err := s.AppendDeliveryLog(ctx, recs)
	if err != nil || len(seqs) != 3 || added <= 0 {
		t.Fatalf("append: %v %v %d", seqs, err, added)
	}
	all, err := s.ListDeliveryLog(ctx, jobs.DeliveryFilter{})
	if err != nil || len(all) != 3 || all[0].ID != "msg_3" || all[2].ID != "msg_1" {
		t.Fatalf("list newest first: %+v %v", all, err)
	}
	if all[0].Headers != nil || all[2].Body != nil {
		t.Error("a listing carries no headers or body")
	}
	if f := all[2].Forwards; len(f) != 1 || f[0].State != jobs.ForwardRetrying || f[0].URL != "http://127.0.0.1:1/a" {
		t.Errorf("forwards of msg_1 = %+v", f)
	}
	bad, _ := s.ListDeliveryLog(ctx, jobs.DeliveryFilter{Verdict: jobs.VerdictBadSignature})
	if len(bad) != 1 || bad[0].Reason != "no svix-signature header" || bad[0].Via != jobs.ViaRelay {
		t.Errorf("verdict filter = %+v", bad)
	}
	relay, _ := s.ListDeliveryLog(ctx, jobs.DeliveryFilter{Via: jobs.ViaSvix, Since: recs[2].ReceivedAt})
	if len(relay) != 1 || relay[0].ID != "msg_3" {
		t.Errorf("via+since filter = %+v", relay)
	}
	one, err := s.GetDeliveryLog(ctx, seqs[0])
	if err != nil || string(one.Body) != string(recs[0].Body) || one.Headers.Get("svix-id") != "msg_1" {
		t.Errorf("get = %+v, %v", one, err)
	}
}

func TestForwardQueueInOrderAndReplay(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	const url = "http://127.0.0.1:1/hook"
	seqs, _, err := s.AppendDeliveryLog(ctx, []jobs.DeliveryRecord{logRecord(1, jobs.VerdictAccepted, url), logRecord(2, jobs.VerdictAccepted, url)})
	if err != nil {
		t.Fatal(err)
	}
	p, ok, err := s.NextForward(ctx, url)
	if err != nil || !ok || p.Entry != seqs[0] || string(p.Body) == "" || p.Headers.Get("svix-id") != "msg_1" ||
		p.ID != "msg_1" || p.Via != jobs.ViaSvix {
		t.Fatalf("next = %+v %v %v", p, ok, err)
	}
	if err := s.UpdateForward(ctx, p.Seq, ForwardUpdate{State: jobs.ForwardDelivered, Code: 204, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	p2, ok, _ := s.NextForward(ctx, url)
	if !ok || p2.Entry != seqs[1] {
		t.Fatalf("next after delivered = %+v", p2)
	}
	n, err := s.QueueForwards(ctx, []int64{seqs[1]}, []string{"http://127.0.0.1:2/other"})
	if err != nil || n != 1 {
		t.Fatalf("queue replay = %d, %v", n, err)
	}
	if _, ok, _ := s.NextForward(ctx, "http://127.0.0.1:2/other"); !ok {
		t.Error("replayed forward not queued")
	}
}

func TestTrimDeliveryLogKeepsNewestWithinCap(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	var recs []jobs.DeliveryRecord
	for i := range 500 {
		recs = append(recs, logRecord(i, jobs.VerdictStale))
	}
	if _, _, err := s.AppendDeliveryLog(ctx, recs); err != nil {
		t.Fatal(err)
	}
	total, _ := s.DeliveryLogBytes(ctx)
	cut, err := s.TrimDeliveryLog(ctx, total/4)
	if err != nil || cut.Left > total/4 || cut.Left == 0 || cut.Dropped != 0 {
		t.Fatalf("trim to %d: %+v, %v", total/4, cut, err)
	}
	newest, _ := s.ListDeliveryLog(ctx, jobs.DeliveryFilter{Limit: 1})
	if newest[0].ID != "msg_499" {
		t.Errorf("newest after trim = %s", newest[0].ID)
	}
	cut, err = s.PruneDeliveryLog(ctx, time.UnixMilli(1_700_000_000_000+499_000))
	if err != nil || cut.Removed == 0 {
		t.Errorf("prune by age = %+v, %v", cut, err)
	}
	if rest, _ := s.ListDeliveryLog(ctx, jobs.DeliveryFilter{}); len(rest) != 1 {
		t.Errorf("after prune %d rows, want 1", len(rest))
	}
}

// injectLogFailure makes every insert of a delivery log row with the given
// id fail inside its transaction (a trigger), as a full disk or a broken
// row would; the returned func removes it.
func injectLogFailure(t *testing.T, path, id string) (remove func()) {
	t.Helper()
	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	// A trigger cannot take a parameter; the id is the test's own.
	if _, err := raw.Exec(`CREATE TRIGGER inject_failure BEFORE INSERT ON delivery_log WHEN NEW.id = '` + id + `' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := raw.Exec(`DROP TRIGGER inject_failure`); err != nil {
			t.Fatal(err)
		}
	}
}

// RecordLoggedDeliveries commits ids, their log records and queued
// forwards together: a record that fails leaves none of the batch's ids
// (which would otherwise answer a retry as a duplicate with nothing
// logged or forwarded), and the records follow the ids' freshness.
func TestRecordLoggedDeliveriesCommitsIDsAndRecordsTogether(t *testing.T) {
	s, path := newTestStore(t)
	ctx := context.Background()
	const url = "http://127.0.0.1:1/hook"
	ids := []string{"msg_1", "msg_2"}
	logFor := func(fresh []bool) []jobs.DeliveryRecord {
		var out []jobs.DeliveryRecord
		for i, f := range fresh {
			if f {
				out = append(out, logRecord(i+1, jobs.VerdictAccepted, url))
			} else {
				out = append(out, logRecord(i+1, jobs.VerdictDuplicate))
			}
		}
		return out
	}

	remove := injectLogFailure(t, path, "msg_2")
	if _, _, _, err := s.RecordLoggedDeliveries(ctx, ids, logFor); err == nil {
		t.Fatal("RecordLoggedDeliveries succeeded with a failing record")
	}
	for _, id := range ids {
		if seen, err := s.DeliverySeen(ctx, id); err != nil || seen {
			t.Errorf("%s recorded (%v, %v) though its batch's log records were not", id, seen, err)
		}
	}
	if all, err := s.ListDeliveryLog(ctx, jobs.DeliveryFilter{}); err != nil || len(all) != 0 {
		t.Errorf("log after the failed batch = %+v, %v; want nothing", all, err)
	}
	if p, ok, err := s.NextForward(ctx, url); err != nil || ok {
		t.Errorf("forward queued by the failed batch = %+v, %v", p, err)
	}

	remove()
	fresh, seqs, added, err := s.RecordLoggedDeliveries(ctx, ids, logFor)
	if err != nil || len(fresh) != 2 || !fresh[0] || !fresh[1] || len(seqs) != 2 || added <= 0 {
		t.Fatalf("retry = %v %v %d %v; want both fresh", fresh, seqs, added, err)
	}
	fresh, seqs, _, err = s.RecordLoggedDeliveries(ctx, []string{"msg_1"}, logFor)
	if err != nil || fresh[0] || len(seqs) != 1 {
		t.Fatalf("again = %v %v %v; want a duplicate", fresh, seqs, err)
	}
	dup, err := s.GetDeliveryLog(ctx, seqs[0])
	if err != nil || dup.Verdict != jobs.VerdictDuplicate || len(dup.Forwards) != 0 {
		t.Errorf("duplicate's record = %+v, %v", dup, err)
	}
	all, _ := s.ListDeliveryLog(ctx, jobs.DeliveryFilter{Verdict: jobs.VerdictAccepted})
	if len(all) != 2 || len(all[0].Forwards) != 1 || all[0].Forwards[0].URL != url {
		t.Errorf("accepted records = %+v; want two, each with its forward", all)
	}
}

// TestRecordLoggedDeliveriesAnswerShape pins what the receiver's batcher
// relies on without checking (receiver.RecordStore): logFor is called once
// with one freshness per id, and the answer has one freshness per id and
// one seq per record logFor returned, in order, also when a batch logs
// fewer records than ids (a request without a record) or none.
func TestRecordLoggedDeliveriesAnswerShape(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	for _, c := range []struct {
		ids  []string
		recs int
	}{{[]string{"msg_1", "msg_2", "msg_3"}, 1}, {[]string{"msg_4", "msg_5"}, 0}, {[]string{"msg_1", "msg_6"}, 2}} {
		calls := 0
		logFor := func(fresh []bool) []jobs.DeliveryRecord {
			calls++
			if len(fresh) != len(c.ids) {
				t.Errorf("%v: logFor got %d answers", c.ids, len(fresh))
			}
			var out []jobs.DeliveryRecord
			for i := range c.recs {
				out = append(out, logRecord(10+i, jobs.VerdictAccepted))
			}
			return out
		}
		fresh, seqs, _, err := s.RecordLoggedDeliveries(ctx, c.ids, logFor)
		if err != nil || calls != 1 || len(fresh) != len(c.ids) || len(seqs) != c.recs {
			t.Fatalf("%v: fresh %v, seqs %v, %d calls, %v; want %d answers, %d seqs, 1 call", c.ids, fresh, seqs, calls, err, len(c.ids), c.recs)
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] <= seqs[i-1] {
				t.Fatalf("%v: seqs %v not in order", c.ids, seqs)
			}
		}
	}
}
