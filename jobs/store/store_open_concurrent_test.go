package store

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// openers is how many launches race to open one fresh history: a file
// manager opening five documents at once starts five.
const openers = 5

// schemaOf lists the schema objects of the database at path, so that a
// history opened by racing openers can be compared with one opened alone.
func schemaOf(t *testing.T, path string) []string {
	t.Helper()
	s, err := OpenReadOnly(path)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer s.Close()
	rows, err := s.r.Query(`SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkRacedHistory checks that a history opened by n racing openers, each
// of which created one job, has the schema of a history opened alone, the
// latest version, and all n jobs.
func checkRacedHistory(t *testing.T, path string, n int) {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "reference.db")
	s, err := Open(ref)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if got, want := schemaOf(t, path), schemaOf(t, ref); !slices.Equal(got, want) {
		t.Fatalf("schema after racing opens differs from a lone open:\n got %q\nwant %q", got, want)
	}
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatalf("OpenReadOnly after the race: %v", err)
	}
	defer ro.Close()
	if got := pragmaString(t, ro.r, "user_version"); got != fmt.Sprint(len(migrations)) {
		t.Fatalf("user_version = %s, want %d", got, len(migrations))
	}
	if got := pragmaString(t, ro.r, "journal_mode"); got != "wal" {
		t.Fatalf("journal_mode = %s, want wal", got)
	}
	if c, err := ro.Count(context.Background(), jobs.Query{}); err != nil || c != n {
		t.Fatalf("Count = %d, %v; want one job from each of %d openers", c, err, n)
	}
}

// TestConcurrentOpenSameProcess opens one fresh path from several *Store
// in one process at the same instant: every open must succeed and migrate
// the schema once (issue 7, fault 3: "table jobs already exists").
func TestConcurrentOpenSameProcess(t *testing.T) {
	for round := range 3 { // the race is narrow: give it a few chances
		path := filepath.Join(t.TempDir(), fmt.Sprint("round", round), "history.db")
		start := make(chan struct{})
		errs := make(chan error, openers)
		var ready, wg sync.WaitGroup
		for i := range openers {
			ready.Add(1)
			wg.Go(func() {
				ready.Done()
				<-start
				s, err := Open(path)
				if err != nil {
					errs <- fmt.Errorf("opener %d: %w", i, err)
					return
				}
				defer s.Close()
				if _, err := s.Create(context.Background(), []jobs.Job{testJob(i)}); err != nil {
					errs <- fmt.Errorf("opener %d: create: %w", i, err)
				}
			})
		}
		ready.Wait()
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: %v", round, err)
		}
		if t.Failed() {
			return
		}
		checkRacedHistory(t, path, openers)
	}
}

// TestOpenChildProcess is not a test: it is a launch of the app that
// TestConcurrentOpenProcesses starts. It says "ready", waits for the word
// to go (its stdin closing), opens the history and creates one job.
func TestOpenChildProcess(t *testing.T) {
	if os.Getenv("STORE_CHILD") != "1" {
		t.Skip("helper process")
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	s, err := Open(os.Getenv("STORE_PATH"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(3)
	}
	if _, err := s.Create(context.Background(), []jobs.Job{testJob(os.Getpid())}); err != nil {
		fmt.Fprintln(os.Stderr, "create:", err)
		os.Exit(3)
	}
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "close:", err)
		os.Exit(3)
	}
}

// TestConcurrentOpenProcesses starts several processes that open one fresh
// path at the same instant, as five launches from a file manager do.
func TestConcurrentOpenProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for round := range 2 {
		path := filepath.Join(t.TempDir(), fmt.Sprint("round", round), "history.db")
		type child struct {
			cmd    *exec.Cmd
			stdin  io.WriteCloser
			stderr strings.Builder
		}
		children := make([]*child, openers)
		for i := range children {
			c := &child{cmd: exec.Command(os.Args[0], "-test.run=^TestOpenChildProcess$")}
			c.cmd.Env = append(os.Environ(), "STORE_CHILD=1", "STORE_PATH="+path)
			c.cmd.Stderr = &c.stderr
			stdin, err := c.cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := c.cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := c.cmd.Start(); err != nil {
				t.Fatal(err)
			}
			c.stdin = stdin
			children[i] = c
			// The barrier: every child is up and waiting before any opens.
			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil || line != "ready\n" {
				t.Fatalf("child %d: %q, %v", i, line, err)
			}
		}
		for _, c := range children {
			c.stdin.Close()
		}
		for i, c := range children {
			if err := c.cmd.Wait(); err != nil {
				t.Errorf("round %d: child %d: %v: %s", round, i, err, c.stderr.String())
			}
		}
		if t.Failed() {
			return
		}
		checkRacedHistory(t, path, openers)
	}
}
