package store

import (
	"context"
	"testing"
	"time"
)

func TestLedgerClaimsOnceAndRecordsDuplicates(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	entry := func(path, hash, ref string) LedgerEntry {
		return LedgerEntry{Folder: "/in", Path: path, Size: 10, MtimeNS: 1, Hash: hash, ClientRef: ref}
	}
	got, err := s.LedgerClaim(ctx, []LedgerEntry{entry("/in/a.pdf", "h1", "ref-a"), entry("/in/b.pdf", "h1", "ref-b")})
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].New || got[0].Entry.State != LedgerClaimed || got[0].Entry.ClientRef != "ref-a" {
		t.Fatalf("first claim = %+v; want a new claimed row with ref-a", got[0])
	}
	if !got[1].New || got[1].Entry.State != LedgerDuplicate || got[1].Entry.ClientRef != "ref-a" {
		t.Fatalf("same content under b.pdf = %+v; want a duplicate sharing ref-a", got[1])
	}
	// Touched, same content: the known row comes back, no new claim.
	touched := entry("/in/a.pdf", "h1", "ref-c")
	touched.MtimeNS = 2
	again, err := s.LedgerClaim(ctx, []LedgerEntry{touched})
	if err != nil {
		t.Fatal(err)
	}
	if again[0].New || again[0].Entry.ID != got[0].Entry.ID || again[0].Entry.MtimeNS != 2 {
		t.Fatalf("unchanged content claimed again: %+v", again[0])
	}
	job := mustCreate(t, s, testJob(1))[0]
	if err := s.LedgerSubmitted(ctx, []int64{got[0].Entry.ID}, []string{"ref-a"}, []int64{job.ID}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.LedgerByJob(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].State != LedgerSubmitted || rows[0].Attempts != 1 || rows[1].State != LedgerDuplicate {
		t.Fatalf("rows of the job = %+v; want the submitted row and its duplicate", rows)
	}
	next := time.Now().Add(time.Minute)
	if err := s.LedgerSetState(ctx, rows[0].ID, LedgerFailed, &next, "boom"); err != nil {
		t.Fatal(err)
	}
	var loaded []LedgerEntry
	if err := s.LedgerLoad(ctx, "/in", "", func(e LedgerEntry) { loaded = append(loaded, e) }); err != nil {
		t.Fatal(err)
	}
	if len(loaded) != 2 || loaded[0].NextTry == nil || loaded[0].Reason != "boom" || loaded[0].State != LedgerFailed {
		t.Fatalf("loaded = %+v", loaded)
	}
	// A changed file (new hash) at the same path is new content.
	changed, err := s.LedgerClaim(ctx, []LedgerEntry{entry("/in/a.pdf", "h2", "ref-d")})
	if err != nil {
		t.Fatal(err)
	}
	if !changed[0].New || changed[0].Entry.State != LedgerClaimed {
		t.Fatalf("changed content = %+v; want a new claim", changed[0])
	}
}
