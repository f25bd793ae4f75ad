package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// TestEngineChildProcess is not a test: it is the app stand-in that
// TestKilledMidSubmission starts, kills and starts again.
func TestEngineChildProcess(t *testing.T) {
	if os.Getenv("ENGINE_CHILD") != "1" {
		t.Skip("helper process")
	}
	store, err := store.Open(os.Getenv("ENGINE_DB"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	e := engine.New(engine.Config{
		Client: reducto.New(os.Getenv("ENGINE_SIM"), ""), Store: store,
		Poll:   engine.PollPolicy{First: 50 * time.Millisecond, Max: 200 * time.Millisecond},
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err := e.Start(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if files := os.Getenv("ENGINE_FILES"); files != "" {
		if _, err := e.Submit(context.Background(), strings.Split(files, ","), jobs.Options{}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
	select {} // until killed
}

func startChild(t *testing.T, sim, db, files string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestEngineChildProcess$")
	cmd.Env = append(os.Environ(), "ENGINE_CHILD=1", "ENGINE_SIM="+sim, "ENGINE_DB="+db, "ENGINE_FILES="+files)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

func kill(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
}

func TestKilledMidSubmissionLeavesOneJobPerFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	sim := reductotest.NewServer(reductotest.Config{
		JobDuration: func(reductotest.Submission) time.Duration { return 300 * time.Millisecond },
	})
	defer sim.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "history.db")
	var files []string
	for i := range 20 {
		p := filepath.Join(dir, fmt.Sprintf("scan-%02d.pdf", i))
		if err := os.WriteFile(p, []byte("%PDF-1.4\n"+strings.Repeat("x", 64<<10)), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	// Some submissions create their job and lose the answer, so the kill
	// finds jobs in every state: queued, uploading, ambiguous, pending.
	sim.Inject(reductotest.Fault{PathPrefix: "/parse_async", Count: 3, Drop: reductotest.DropAfter})

	first := startChild(t, sim.URL, db, strings.Join(files, ","))
	if err := sim.WaitFor(30*time.Second, func() bool { return len(sim.Jobs()) >= 6 }); err != nil {
		kill(first)
		t.Fatal(err)
	}
	kill(first)
	killedAt := len(sim.Jobs())

	second := startChild(t, sim.URL, db, "")
	defer kill(second)
	ro, err := store.OpenReadOnly(db)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	waitFor(t, 60*time.Second, "every job final after the restart", func() bool {
		js, err := ro.List(context.Background(), jobs.Query{Limit: 100})
		if err != nil || len(js) != 20 {
			return false
		}
		for _, j := range js {
			if !j.Status.Final() {
				return false
			}
		}
		return true
	})
	js, _ := ro.List(context.Background(), jobs.Query{Limit: 100})
	for _, j := range js {
		if j.Status != jobs.StatusCompleted {
			t.Errorf("%s: %s %s", filepath.Base(j.File), j.Status, j.Error)
		}
	}
	perFile := map[string]int{}
	for _, j := range sim.Jobs() {
		perFile[j.FileName]++
	}
	if len(perFile) != 20 {
		t.Fatalf("simulator saw %d documents, want 20", len(perFile))
	}
	for name, n := range perFile {
		if n != 1 {
			t.Errorf("%s became %d jobs at Reducto", name, n)
		}
	}
	t.Logf("killed with %d of 20 jobs at Reducto", killedAt)
}
