// Package winesmoke drives the real cross-built reducto-tray.exe under Wine
// through the contract. It runs natively on Linux and starts the Windows
// processes with Wine, which shares the loopback interface, so the test
// reaches the app's receiver and control channel over 127.0.0.1.
//
// .ci/wine-smoke sets it up (the exe, a Wine prefix with the test-only
// bcryptprimitives.dll stand-in, the secret probe) and runs it; alone it
// skips.
package winesmoke

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The environment .ci/wine-smoke passes.
const (
	envWine  = "WINESMOKE_WINE"  // the wine64 loader
	envExe   = "WINESMOKE_EXE"   // the cross-built reducto-tray.exe
	envProbe = "WINESMOKE_PROBE" // the cross-built secretprobe.exe
)

// wineEnv is the environment every Wine process gets on top of the test's
// own, minus anything of the app's that the host may have set.
func wineEnv(home string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "REDUCTO_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "REDUCTO_TRAY_HOME="+winPath(home), "WINEDEBUG=-all")
	return append(env, extra...)
}

// winPath is the Windows name of a Linux path: Wine maps the root to Z:.
func winPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

// tool is the set-up of one smoke run.
type tool struct {
	wine, exe, probe string
}

func setup(t *testing.T) tool {
	t.Helper()
	tl := tool{wine: os.Getenv(envWine), exe: os.Getenv(envExe), probe: os.Getenv(envProbe)}
	if tl.wine == "" || tl.exe == "" || tl.probe == "" {
		t.Skipf("run by .ci/wine-smoke (%s, %s and %s unset)", envWine, envExe, envProbe)
	}
	if os.Getenv("WINEPREFIX") == "" {
		t.Fatal("WINEPREFIX unset: .ci/wine-smoke prepares the prefix")
	}
	return tl
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// instance is a long-running reducto-tray.exe.
type instance struct {
	cmd  *exec.Cmd
	out  *lockedBuffer // stdout and stderr: the log
	done chan struct{}
	err  error
}

// start runs the app under Wine until kill is called or owner (the whole
// smoke test, whose steps share instances) ends.
func (tl tool) start(t, owner *testing.T, dir string, env []string, args ...string) *instance {
	t.Helper()
	cmd := exec.Command(tl.wine, append([]string{tl.exe}, args...)...)
	cmd.Dir = dir
	cmd.Env = env
	in := &instance{cmd: cmd, out: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = in.out, in.out
	// Wine's helper processes can inherit the output pipes and outlive the
	// killed program: without a delay Wait would wait for them too (seen
	// as "did not end after SIGKILL" with the process already gone).
	cmd.WaitDelay = 3 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", tl.exe, err)
	}
	go func() { in.err = cmd.Wait(); close(in.done) }()
	owner.Cleanup(func() { in.kill(owner) })
	return in
}

// kill ends the Windows process at once, as a crash or the task manager
// would: nothing of the app's shutdown runs.
func (in *instance) kill(t *testing.T) {
	select {
	case <-in.done:
		return
	default:
	}
	if err := in.cmd.Process.Kill(); err != nil {
		t.Logf("kill: %v", err)
	}
	select {
	case <-in.done:
	case <-time.After(20 * time.Second):
		t.Errorf("process %d did not end after SIGKILL", in.cmd.Process.Pid)
	}
}

func (in *instance) alive() bool {
	select {
	case <-in.done:
		return false
	default:
		return true
	}
}

// waitLog waits for a log line matching re and returns its submatches.
func (in *instance) waitLog(t *testing.T, re *regexp.Regexp, within time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if m := re.FindStringSubmatch(in.out.String()); m != nil {
			return m
		}
		if !in.alive() {
			t.Fatalf("the app exited (%v) before logging %q; its output:\n%s", in.err, re, in.out)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line matching %q within %s; the app's output:\n%s", re, within, in.out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// result is a finished short-lived process.
type result struct {
	stdout, stderr string
	code           int
}

// run runs a Wine program to its end.
func (tl tool) run(t *testing.T, dir string, env []string, prog string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tl.wine, append([]string{prog}, args...)...)
	cmd.Dir = dir
	cmd.Env = env
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	r := result{stdout: so.String(), stderr: se.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s %v: %v\nstderr: %s", filepath.Base(prog), args, err, se.String())
	}
	return r
}

// job is the part of a `jobs --json` element the smoke test checks.
type job struct {
	ID          int64   `json:"id"`
	JobID       string  `json:"job_id"`
	File        string  `json:"file"`
	Kind        string  `json:"kind"`
	Status      string  `json:"status"`
	Webhook     string  `json:"webhook"`
	CompletedAt *string `json:"completed_at"`
	Error       *string `json:"error"`
}

// jobs runs `reducto-tray jobs --json` as a separate Windows process.
func (tl tool) jobs(t *testing.T, env []string) []job {
	t.Helper()
	r := tl.run(t, "/", env, tl.exe, "jobs", "--json")
	if r.code != 0 {
		t.Fatalf("jobs --json exited %d: %s", r.code, r.stderr)
	}
	var js []job
	if err := json.Unmarshal([]byte(r.stdout), &js); err != nil {
		t.Fatalf("jobs --json printed no JSON array: %v\n%s", err, r.stdout)
	}
	return js
}

// waitJob polls `jobs --json` (while the instance runs) until the job of
// file is final, and returns it.
func (tl tool) waitJob(t *testing.T, env []string, file string, within time.Duration) job {
	t.Helper()
	deadline := time.Now().Add(within)
	var last []job
	for {
		last = tl.jobs(t, env)
		for _, j := range last {
			if j.File != file {
				continue
			}
			switch j.Status {
			case "completed", "failed", "cancelled":
				return j
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no final job for %s within %s; jobs --json: %+v", file, within, last)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func checkCompleted(t *testing.T, j job, file, webhook string) {
	t.Helper()
	if j.Status != "completed" || j.JobID == "" || j.Kind != "parse" || j.Webhook != webhook ||
		j.CompletedAt == nil || j.Error != nil || j.File != file {
		t.Fatalf("job = %+v, want a completed parse of %s with webhook %s, a job_id and no error", j, file, webhook)
	}
}

// pdf writes a small document the app accepts by name and by content.
func pdf(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	body := "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// step runs one part of the smoke test and logs how long it took.
func step(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	start := time.Now()
	ok := t.Run(name, f)
	t.Logf("step %-40s %6.1fs", name, time.Since(start).Seconds())
	if !ok {
		t.FailNow()
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return string(b)
}
