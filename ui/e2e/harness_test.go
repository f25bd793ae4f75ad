//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
)

// repoRoot is the module root: the binary is built there, as the contract
// says (`go build -o reducto-tray .`).
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", dir, err)
	}
	return dir
}

var build struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// TestMain removes the shared build directory after all tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// appBinary builds the real GL binary once per test run. The first build of
// Fyne's cgo driver takes minutes; the Go build cache makes later ones fast.
func appBinary(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "reducto-tray-e2e-")
		if build.err != nil {
			return
		}
		build.bin = filepath.Join(build.dir, "reducto-tray")
		build.err = goBuild(repoRoot(t), build.bin, ".")
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}

// goBuild builds pkg (a path relative to root) into out, with cgo on and
// any extra build flags.
func goBuild(root, out, pkg string, flags ...string) error {
	args := append(append([]string{"build"}, flags...), "-o", out, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if o, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, o)
	}
	return nil
}

// need looks a tool up, skipping (or failing in CI) when it is missing.
func need(t testing.TB, tool, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		fakedesktop.SkipOrFail(t, fmt.Errorf("%s not found in PATH (Debian package %s)", tool, pkg))
	}
	return p
}

// xvfb is a virtual X server of this test.
type xvfb struct {
	display string
	fbdir   string // holds Xvfb_screen0, the screen as an XWD file
}

// startXvfb starts Xvfb on a display it picks itself (-displayfd), so tests
// never collide with another X server, and kills it (by pid) at the end.
func startXvfb(t testing.TB) xvfb {
	t.Helper()
	bin := need(t, "Xvfb", "xvfb")
	fbdir := t.TempDir()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(bin, "-displayfd", "3", "-screen", "0", "1024x700x24", "-nolisten", "tcp", "-fbdir", fbdir)
	cmd.ExtraFiles = []*os.File{w} // fd 3
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		w.Close()
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatalf("Xvfb reported no display: %s", stderr.String())
		}
		return xvfb{display: ":" + n, fbdir: fbdir}
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb reported no display within 30s: %s", stderr.String())
	}
	return xvfb{}
}

// screenshot reads the whole virtual screen.
func (x xvfb) screenshot() (image.Image, error) {
	b, err := os.ReadFile(filepath.Join(x.fbdir, "Xvfb_screen0"))
	if err != nil {
		return nil, fmt.Errorf("read Xvfb framebuffer: %w", err)
	}
	return decodeXWD(b)
}

func writePNG(path string, img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// freeAddr returns a loopback address nothing listens on right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// install is one isolated installation of the app: its own data folder,
// config folder, session bus and display.
type install struct {
	t    testing.TB
	bin  string
	home string
	env  []string
}

func newInstall(t testing.TB, bin string, d *fakedesktop.Desktop, x xvfb, extra ...string) *install {
	home := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"REDUCTO_TRAY_HOME=" + home,
		"XDG_CONFIG_HOME=" + home,
		"XDG_DATA_HOME=" + filepath.Join(home, "xdg-data"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "xdg-cache"),
		"DBUS_SESSION_BUS_ADDRESS=" + d.Address(),
		"DISPLAY=" + x.display,
		"LANG=en_US.UTF-8",
	}
	return &install{t: t, bin: bin, home: home, env: append(env, extra...)}
}

// process is the app running in the background.
type process struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// start runs the app and stops it (SIGTERM, then SIGKILL, by its pid) when
// the test ends; its output goes to a log file shown if the test fails.
func (in *install) start(args ...string) *process {
	t := in.t
	t.Helper()
	logPath := filepath.Join(in.home, "e2e-app.log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(in.bin, args...)
	cmd.Env = in.env
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start app: %v", err)
	}
	p := &process{cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			t.Log("app ignored SIGTERM for 15s; killing it")
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			out, _ := os.ReadFile(logPath)
			t.Logf("app output:\n%s", out)
		}
	})
	return p
}

// exited reports whether the app has ended (it must not, while tested).
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// run runs a short-lived command of the app and returns its output.
func (in *install) run(timeout time.Duration, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, in.bin, args...)
	cmd.Env = in.env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("%v: %w", args, ctx.Err())
	}
	return o.String(), e.String(), err
}

// jobJSON is one element of `reducto-tray jobs --json` (the contract).
type jobJSON struct {
	ID          int64    `json:"id"`
	JobID       string   `json:"job_id"`
	File        string   `json:"file"`
	Kind        string   `json:"kind"`
	Status      string   `json:"status"`
	Webhook     string   `json:"webhook"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	CompletedAt *string  `json:"completed_at"`
	Error       *string  `json:"error"`
	Source      *string  `json:"source"`
	Preset      *string  `json:"preset"`
	Outputs     []string `json:"outputs"`
}

// headlessInstall is a fresh data folder for the built binary run
// headless: no display, never the user's session bus, the given extra
// environment (e.g. REDUCTO_BASE_URL and REDUCTO_API_KEY).
func headlessInstall(t *testing.T, extra ...string) *install {
	t.Helper()
	home := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"REDUCTO_TRAY_HOME=" + home,
		"XDG_CONFIG_HOME=" + home,
		"XDG_DATA_HOME=" + filepath.Join(home, "xdg-data"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "xdg-cache"),
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(home, "no-bus"), // never the user's session
		"LANG=en_US.UTF-8",
	}
	return &install{t: t, bin: appBinary(t), home: home, env: append(env, extra...)}
}

// jobs reads the history through the CLI, as a script would.
func (in *install) jobs() ([]jobJSON, error) {
	out, stderr, err := in.run(30*time.Second, "jobs", "--json")
	if err != nil {
		return nil, fmt.Errorf("jobs --json: %w: %s", err, stderr)
	}
	var list []jobJSON
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		return nil, fmt.Errorf("jobs --json output %q: %w", out, err)
	}
	return list, nil
}

// waitJob polls the history until file's job satisfies ok, or fails the
// test at the deadline.
func (in *install) waitJob(file string, timeout time.Duration, ok func(jobJSON) bool) jobJSON {
	t := in.t
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last []jobJSON
	var lastErr error
	for time.Now().Before(deadline) {
		last, lastErr = in.jobs()
		for _, j := range last {
			if j.File == file && ok(j) {
				return j
			}
		}
		time.Sleep(250 * time.Millisecond) // poll interval, not synchronisation: the deadline decides
	}
	t.Fatalf("job for %s not as expected within %s; last history %+v, err %v", file, timeout, last, lastErr)
	return jobJSON{}
}

// healthz fetches the receiver's GET /healthz.
func healthz(addr string) (map[string]any, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + "/healthz")
	if err != nil {
		return nil, fmt.Errorf("healthz: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("healthz: status %d", resp.StatusCode)
	}
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("healthz body: %w", err)
	}
	return body, nil
}

// writeDocument creates a small PDF-looking file; the sandbox does not read
// its pages.
func writeDocument(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	body := "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
