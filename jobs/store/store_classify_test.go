package store

import (
	"context"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// TestClassifyCategoryAndRoutes: a classify's category is recorded on
// completion and read back; a routed child carries its category and
// parent from its options; RoutesDue lists a routing classify until its
// child exists; ParseOf finds a completed parse of the same document.
func TestClassifyCategoryAndRoutes(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	cj := testJob(1)
	cj.Kind = jobs.KindClassify
	cj.Options = jobs.Options{Kind: jobs.KindClassify, Routes: map[string]string{"invoice": "invoices"}}
	c := mustCreate(t, s, cj)[0]
	if c.Category != "" {
		t.Fatalf("new classify has category %q", c.Category)
	}
	since := time.Now().Add(-time.Hour)
	if due, err := s.RoutesDue(ctx, since); err != nil || len(due) != 0 {
		t.Fatalf("RoutesDue before completion = %v, %v", due, err)
	}
	cat := "invoice"
	done, changed := mustUpdate(t, s, c.ID, jobs.StatusCompleted, Patch{Category: &cat, Result: []byte(`{"result":{"category":"invoice"}}`)})
	if !changed || done.Category != "invoice" {
		t.Fatalf("completed classify: %+v", done)
	}
	if got, err := s.Get(ctx, c.ID); err != nil || got.Category != "invoice" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	due, err := s.RoutesDue(ctx, since)
	if err != nil || len(due) != 1 || due[0].ID != c.ID {
		t.Fatalf("RoutesDue = %v, %v; want the classify", due, err)
	}

	child := testJob(1)
	child.Kind = jobs.KindExtract
	child.Options = jobs.Options{Kind: jobs.KindExtract, Source: jobs.SourceRoute, ParentID: c.ID, Category: "invoice", Preset: "invoices"}
	ch := mustCreate(t, s, child)[0]
	if ch.Category != "invoice" || ch.ParentID != c.ID || ch.Source != jobs.SourceRoute {
		t.Fatalf("routed child = %+v", ch)
	}
	if got, _ := s.Get(ctx, ch.ID); got.Category != "invoice" {
		t.Fatalf("routed child read back with category %q", got.Category)
	}
	if due, err := s.RoutesDue(ctx, since); err != nil || len(due) != 0 {
		t.Fatalf("RoutesDue after the route = %v, %v", due, err)
	}

	p := mustCreate(t, s, testJob(1))[0]
	if _, ok, err := s.ParseOf(ctx, p.File, p.Size, since); err != nil || ok {
		t.Fatalf("ParseOf a queued parse = %v, %v", ok, err)
	}
	id := "rj-parse"
	mustUpdate(t, s, p.ID, jobs.StatusCompleted, Patch{JobID: &id})
	got, ok, err := s.ParseOf(ctx, p.File, p.Size, since)
	if err != nil || !ok || got.ID != p.ID {
		t.Fatalf("ParseOf = %+v, %v, %v", got, ok, err)
	}
	if _, ok, _ := s.ParseOf(ctx, p.File, p.Size+1, since); ok {
		t.Error("ParseOf took a parse of other content (size)")
	}
	if _, ok, _ := s.ParseOf(ctx, p.File, p.Size, time.Now().Add(time.Hour)); ok {
		t.Error("ParseOf took a parse Reducto no longer has")
	}
}
