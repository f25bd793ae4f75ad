package control

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a Handler that keeps every request it saw.
type recorder struct {
	mu   sync.Mutex
	reqs []Request
}

func (r *recorder) handle(_ context.Context, req Request) (Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return Response{Accepted: len(req.Open), Message: fmt.Sprintf("queued %d file(s)", len(req.Open))}, nil
}

func (r *recorder) all() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs...)
}

func listen(t *testing.T, home string, h Handler) *Server {
	t.Helper()
	s, err := Listen(home, h)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestHandOffInProcessMakesPathsAbsolute(t *testing.T) {
	home := t.TempDir()
	cwd := t.TempDir()
	t.Chdir(cwd)
	rec := &recorder{}
	listen(t, home, rec.handle)

	abs := filepath.Join(t.TempDir(), "b.pdf")
	resp, err := Send(testCtx(t), home, Request{Open: []string{"a.pdf", abs}, Show: true})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if resp.Accepted != 2 || resp.Message != "queued 2 file(s)" {
		t.Fatalf("response = %+v", resp)
	}
	got := rec.all()
	if len(got) != 1 {
		t.Fatalf("handler saw %d requests, want 1", len(got))
	}
	want := []string{filepath.Join(cwd, "a.pdf"), abs}
	if strings.Join(got[0].Open, "|") != strings.Join(want, "|") || !got[0].Show {
		t.Fatalf("handler got %+v, want open=%v show=true", got[0], want)
	}
}

func TestSendWithoutInstance(t *testing.T) {
	_, err := Send(testCtx(t), t.TempDir(), Request{Open: []string{"x.pdf"}})
	if !errors.Is(err, ErrNoInstance) {
		t.Fatalf("Send error = %v, want ErrNoInstance", err)
	}
}

const helperEnv = "REDUCTO_CONTROL_HELPER_HOME"

// TestHelperProcess is not a test: TestHandOffFromSecondProcess re-executes
// the test binary to run it as the second `reducto-tray FILE...` process.
func TestHelperProcess(t *testing.T) {
	home := os.Getenv(helperEnv)
	if home == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := Send(ctx, home, Request{Open: os.Args[len(os.Args)-2:]})
	if err != nil {
		fmt.Fprintln(os.Stderr, "send:", err)
		os.Exit(3)
	}
	fmt.Printf("handed %d file(s) to the running instance: %s\n", resp.Accepted, resp.Message)
	os.Exit(0)
}

func TestHandOffFromSecondProcess(t *testing.T) {
	home := t.TempDir()
	rec := &recorder{}
	listen(t, home, rec.handle)

	childDir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "--", "one.pdf", "sub/two.pdf")
	cmd.Dir = childDir
	cmd.Env = append(os.Environ(), helperEnv+"="+home)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("second process: %v\nstdout: %s\nstderr: %s", err, out, stderr)
	}
	if want := "handed 2 file(s) to the running instance: queued 2 file(s)\n"; string(out) != want {
		t.Fatalf("second process printed %q, want %q", out, want)
	}
	got := rec.all()
	if len(got) != 1 {
		t.Fatalf("handler saw %d requests, want 1", len(got))
	}
	want := []string{filepath.Join(childDir, "one.pdf"), filepath.Join(childDir, "sub", "two.pdf")}
	if strings.Join(got[0].Open, "|") != strings.Join(want, "|") {
		t.Fatalf("paths = %v, want %v (relative to the second process's cwd)", got[0].Open, want)
	}
}

func TestSecondListenIsRefusedUntilClose(t *testing.T) {
	home := t.TempDir()
	rec := &recorder{}
	first, err := Listen(home, rec.handle)
	if err != nil {
		t.Fatalf("first Listen: %v", err)
	}
	if s, err := Listen(home, rec.handle); !errors.Is(err, ErrAlreadyRunning) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("second Listen error = %v, want ErrAlreadyRunning", err)
	}
	// The refused attempt must not have disturbed the live instance.
	if _, err := Send(testCtx(t), home, Request{Show: true}); err != nil {
		t.Fatalf("Send to first instance after refused Listen: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := Send(testCtx(t), home, Request{Show: true}); !errors.Is(err, ErrNoInstance) {
		t.Fatalf("Send after Close error = %v, want ErrNoInstance", err)
	}
	listen(t, home, rec.handle)
	if _, err := Send(testCtx(t), home, Request{Show: true}); err != nil {
		t.Fatalf("Send to the new instance: %v", err)
	}
}

func TestHandlerErrorAndPanicAreReportedNotFatal(t *testing.T) {
	home := t.TempDir()
	listen(t, home, func(_ context.Context, req Request) (Response, error) {
		switch {
		case req.Show:
			return Response{Accepted: 1, Message: "shown"}, nil
		case len(req.Open) == 1:
			return Response{}, errors.New("engine not ready")
		default:
			panic("boom")
		}
	})
	ctx := testCtx(t)
	_, err := Send(ctx, home, Request{Open: []string{"a"}})
	var re *RemoteError
	if !errors.As(err, &re) || re.Msg != "engine not ready" {
		t.Fatalf("handler error came back as %v, want RemoteError(engine not ready)", err)
	}
	if _, err := Send(ctx, home, Request{Open: []string{"a", "b"}}); !errors.As(err, &re) || re.Msg != "internal error" {
		t.Fatalf("panic came back as %v, want RemoteError(internal error)", err)
	}
	resp, err := Send(ctx, home, Request{Show: true})
	if err != nil || resp.Message != "shown" {
		t.Fatalf("server unusable after a panic: %+v %v", resp, err)
	}
}

func TestMalformedAndOversizeRequestsAreRejected(t *testing.T) {
	home := t.TempDir()
	rec := &recorder{}
	listen(t, home, rec.handle)
	ctx := testCtx(t)

	// Malformed: answered with an error; the connection stays usable.
	conn, auth, err := dialPlatform(ctx, home)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	fmt.Fprint(conn, "{not json\n")
	line, err := br.ReadString('\n')
	if err != nil || !strings.Contains(line, `"error":"malformed request`) {
		t.Fatalf("malformed reply = %q, %v", line, err)
	}
	fmt.Fprintf(conn, "{\"show\":true,\"auth\":%q}\n", fmt.Sprintf("%x", auth))
	line, err = br.ReadString('\n')
	if err != nil || !strings.Contains(line, `"accepted":0`) || strings.Contains(line, "error") {
		t.Fatalf("valid request after malformed one: %q, %v", line, err)
	}

	// Oversize: the server stops reading at the limit, answers and hangs up.
	big, _, err := dialPlatform(ctx, home)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer big.Close()
	big.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		payload := `{"open":["` + strings.Repeat("x", MaxRequestSize) + `"]}` + "\n"
		big.Write([]byte(payload)) // fails once the server hangs up; that is expected
	}()
	line, err = bufio.NewReader(big).ReadString('\n')
	if err != nil || !strings.Contains(line, "request larger than") {
		t.Fatalf("oversize reply = %q, %v", line, err)
	}

	if n := len(rec.all()); n != 1 {
		t.Fatalf("handler ran %d times, want 1 (only the valid request)", n)
	}
	if _, err := Send(ctx, home, Request{Open: []string{"/a"}}); err != nil {
		t.Fatalf("server unusable after bad requests: %v", err)
	}
}

func TestSendHonoursContext(t *testing.T) {
	home := t.TempDir()
	release := make(chan struct{})
	defer close(release)
	listen(t, home, func(ctx context.Context, _ Request) (Response, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return Response{}, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := Send(ctx, home, Request{Show: true})
		errc <- err
	}()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Send error = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Send did not return after its context was cancelled")
	}
}
