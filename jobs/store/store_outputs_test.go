package store

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// written records path (as it is on disk now) as job id's output beside doc.
func written(t *testing.T, s *Store, id int64, doc, path string) jobs.Job {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	j, err := s.RecordOutputs(context.Background(), id, []OutputFile{{Path: path, Doc: doc, Job: id, Size: fi.Size(), ModTime: fi.ModTime()}})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestOutputOwnedOnlyForTheSameDocumentAndAnUnchangedFile(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	doc, other := filepath.Join(dir, "invoice.pdf"), filepath.Join(dir, "invoice.docx")
	out := filepath.Join(dir, "invoice.parse.md")
	if err := os.WriteFile(out, []byte("results"), 0o600); err != nil {
		t.Fatal(err)
	}
	j := mustCreate(t, s, testJob(1))[0]
	if owned, err := s.OutputOwned(ctx, out, doc); err != nil || owned {
		t.Fatalf("before recording: owned %v, %v", owned, err)
	}
	got := written(t, s, j.ID, doc, out)
	got = written(t, s, j.ID, doc, out) // recorded twice, listed once
	if !reflect.DeepEqual(got.Outputs, []string{out}) {
		t.Fatalf("job outputs %q", got.Outputs)
	}
	if owned, err := s.OutputOwned(ctx, out, doc); err != nil || !owned {
		t.Fatalf("as written: owned %v, %v", owned, err)
	}
	if owned, _ := s.OutputOwned(ctx, out, other); owned {
		t.Fatal("owned for another document with the same stem")
	}
	if err := os.WriteFile(out, []byte("results, edited by hand"), 0o600); err != nil {
		t.Fatal(err)
	}
	if owned, _ := s.OutputOwned(ctx, out, doc); owned {
		t.Fatal("still owned after the user changed the file")
	}
	if _, err := s.RecordOutputs(ctx, j.ID, []OutputFile{{Path: "relative.md", Doc: doc}}); err == nil {
		t.Fatal("a relative path was recorded")
	}
}

func TestOutputsDueAndTimelineNotes(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	mk := func(i int, rule jobs.OutputRule) jobs.Job {
		j := testJob(i)
		j.Options.Outputs = rule
		j = mustCreate(t, s, j)[0]
		mustUpdate(t, s, j.ID, jobs.StatusCompleted, Patch{Result: []byte(`{}`)})
		return j
	}
	due1, _, recorded := mk(1, jobs.OutputsBeside), mk(2, jobs.OutputsNone), mk(3, jobs.OutputsBeside)
	running := testJob(4)
	running.Options.Outputs = jobs.OutputsBeside
	mustCreate(t, s, running)
	f := filepath.Join(t.TempDir(), "report.parse.md")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	written(t, s, recorded.ID, recorded.File, f)

	due, err := s.OutputsDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].ID != due1.ID {
		t.Fatalf("due = %+v, want only job %d", due, due1.ID)
	}
	var plan strings.Builder
	rows, err := s.r.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT id FROM jobs INDEXED BY jobs_outputs_due WHERE status = 'completed' AND outputs = '' AND json_extract(options, '$.outputs') = 'beside'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a, b, c int
		var d string
		rows.Scan(&a, &b, &c, &d)
		plan.WriteString(d)
	}
	rows.Close()
	if !strings.Contains(plan.String(), "jobs_outputs_due") {
		t.Fatalf("the due query does not use its index: %s", plan.String())
	}

	for i := 0; i < 2; i++ {
		if err := s.AddTimeline(ctx, due1.ID, "results not written beside report.pdf: no room"); err != nil {
			t.Fatal(err)
		}
	}
	tl, _ := s.Timeline(ctx, due1.ID)
	if n := len(tl); n != 3 || tl[2].Detail != "results not written beside report.pdf: no room" || tl[2].From != jobs.StatusCompleted || tl[2].To != jobs.StatusCompleted {
		t.Fatalf("timeline %+v: want created, completed and one note (not repeated)", tl)
	}
}
