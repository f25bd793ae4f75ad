package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/account"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func TestBudgetNotifiesOnceAMonthAcrossRestarts(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	var shown []string
	now := time.Now()
	newBudget := func(st *store.Store) *account.Budget {
		return &account.Budget{Store: st, Limit: func() float64 { return 10 },
			Announce: func(title, body string) error { shown = append(shown, body); return nil },
			Now:      func() time.Time { return now }}
	}
	b := newBudget(r.store)
	record := func(id string, credits float64) {
		if _, _, err := r.store.UpsertAccountJob(ctx, jobs.AccountJob{JobID: id, Status: jobs.StatusCompleted, Kind: jobs.KindParse, Pages: 2, Credits: &credits}); err != nil {
			t.Fatal(err)
		}
	}
	record("a", 6)
	if did, err := b.Check(ctx); err != nil || did {
		t.Fatalf("under budget: %v %v", did, err)
	}
	record("b", 5) // 11 >= 10
	if did, err := b.Check(ctx); err != nil || !did {
		t.Fatalf("crossing: %v %v", did, err)
	}
	record("c", 5)
	if did, _ := b.Check(ctx); did {
		t.Fatal("notified twice in a month")
	}
	// A restart: a new store and budget on the same file remember it.
	r.store.Close()
	st, err := store.Open(r.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if did, _ := newBudget(st).Check(ctx); did {
		t.Fatal("notified again after a restart")
	}
	if len(shown) != 1 {
		t.Fatalf("shown %d times: %q", len(shown), shown)
	}
	if want := "16 credits used in " + now.Format("January") + " (6 pages), over the monthly budget of 10."; shown[0] != "11 credits used in "+now.Format("January")+" (4 pages), over the monthly budget of 10." {
		t.Fatalf("text %q (later total would be %q)", shown[0], want)
	}
}
