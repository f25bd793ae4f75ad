package store

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestOriginCreditsAndOutputsRoundTrip(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	parent := mustCreate(t, s, testJob(1))[0]
	j := testJob(2)
	j.Options.Source, j.Options.Preset, j.Options.ParentID = jobs.SourceChain, "invoices", parent.ID
	child := mustCreate(t, s, j)[0]
	if child.Source != jobs.SourceChain || child.Preset != "invoices" || child.ParentID != parent.ID {
		t.Fatalf("created %+v; want the origin from its options", child)
	}
	credits := 2.5
	done, _ := mustUpdate(t, s, child.ID, jobs.StatusCompleted, Patch{Credits: &credits})
	if done.Credits == nil || *done.Credits != 2.5 {
		t.Fatalf("credits after completion = %v", done.Credits)
	}
	// Outputs are written after completion, when nothing else may change;
	// the engine records them with RecordOutputs.
	doc := filepath.Join(t.TempDir(), "a.pdf")
	outs := []string{filepath.Join(filepath.Dir(doc), "a.parse.md"), filepath.Join(filepath.Dir(doc), "a.parse.json")}
	files := []OutputFile{{Path: outs[0], Doc: doc, Job: child.ID}, {Path: outs[1], Doc: doc, Job: child.ID}}
	if _, err := s.RecordOutputs(ctx, child.ID, files); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, child.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Outputs, outs) || got.Source != jobs.SourceChain || got.ParentID != parent.ID || *got.Credits != 2.5 {
		t.Fatalf("read back %+v", got)
	}
	if _, err := s.RecordOutputs(ctx, 999, files); err == nil {
		t.Fatal("outputs recorded for a job that does not exist")
	}
}
