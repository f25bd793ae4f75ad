package core

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/receiver/control"
)

// badFiles writes an empty PDF and a program renamed to .pdf into dir.
func badFiles(t *testing.T, dir string) (empty, program string) {
	t.Helper()
	empty, program = filepath.Join(dir, "empty.pdf"), filepath.Join(dir, "setup.pdf")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(program, []byte("\x7fELF\x02\x01\x01\x00 a program, not a document"), 0o600); err != nil {
		t.Fatal(err)
	}
	return empty, program
}

// One unsupported file no longer cancels a hand-off: the running instance
// gets the good files (and submits them), stderr names each bad file and
// why, and the exit status is 2 so a script notices.
func TestHandOffSubmitsTheGoodFilesAndRefusesEachBadOne(t *testing.T) {
	home := t.TempDir()
	a, err := startCoreIn(t, home, Flags{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var handed []control.Request
	inst := &instance{ready: make(chan struct{})}
	inst.setApp(a)
	inst.markReady()
	srv, _, err := ClaimWith(context.Background(), home, control.Request{Show: true}, func(ctx context.Context, req control.Request) (control.Response, error) {
		mu.Lock()
		handed = append(handed, req)
		mu.Unlock()
		return inst.handle(ctx, req)
	})
	if err != nil || srv == nil {
		t.Fatalf("the first launch did not become the instance: %v", err)
	}
	defer srv.Close()
	t.Setenv(datadir.HomeEnv, home)

	dir := t.TempDir()
	good1, good2 := writePDF(t, dir, "a.pdf"), writePDF(t, dir, "b.pdf")
	empty, program := badFiles(t, dir)
	var stdout, stderr bytes.Buffer
	code := Main([]string{good1, empty, good2, program}, Options{Stdout: &stdout, Stderr: &stderr})
	if code != 2 {
		t.Errorf("exit %d, want 2 (some files were refused); stderr:\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], empty+" is empty") || !strings.Contains(lines[1], program) || !strings.Contains(lines[1], "not a PDF file") {
		t.Errorf("stderr should name each refused file and why, one line each:\n%s", stderr.String())
	}
	if !strings.Contains(stdout.String(), "Handed 2 file(s)") || !strings.Contains(stdout.String(), "empty.pdf: is empty") {
		t.Errorf("stdout %q", stdout.String())
	}
	var list []jobs.Job
	waitFor(t, "the two good files queued", func() bool {
		list, err = a.Engine().List(context.Background(), jobs.Query{})
		return err == nil && len(list) == 2
	})
	var files []string
	for _, j := range list {
		files = append(files, j.File)
	}
	slices.Sort(files)
	if !slices.Equal(files, []string{good1, good2}) {
		t.Errorf("submitted %v", files)
	}

	// Only bad files: nothing is submitted and no instance starts, but
	// the running one hears of them (its window names them).
	stderr.Reset()
	stdout.Reset()
	if code := Main([]string{empty}, Options{Stdout: &stdout, Stderr: &stderr}); code != 2 {
		t.Errorf("only a bad file: exit %d, want 2", code)
	}
	mu.Lock()
	last := handed[len(handed)-1]
	mu.Unlock()
	if !slices.Equal(last.Open, []string{empty}) || last.Show {
		t.Errorf("the running instance was handed %+v", last)
	}
	if list, _ := a.Engine().List(context.Background(), jobs.Query{}); len(list) != 2 {
		t.Errorf("%d jobs after a launch with only a bad file", len(list))
	}
}

// refusedArgs names each file that cannot be submitted, with why, and
// passes over folders (walked later, as a drop is).
func TestRefusedArgsNamesEachAndSkipsFolders(t *testing.T) {
	dir := t.TempDir()
	empty, program := badFiles(t, dir)
	good := writePDF(t, dir, "ok.pdf")
	got := refusedArgs([]string{good, dir, empty, filepath.Join(dir, "missing.pdf"), program})
	if len(got) != 3 || !strings.Contains(got[0], "empty") || !strings.Contains(got[1], "no such file") || !strings.Contains(got[2], "setup.pdf") {
		t.Errorf("refused %q", got)
	}
}
