package winesmoke

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

var (
	receiverLine = regexp.MustCompile(`webhook receiver listening.*addr=(127\.0\.0\.1:\d+)`)
	notifyFailed = regexp.MustCompile(`desktop notification failed.*err="?(.+)`)
)

// controlAddr is control.addr, the Windows control channel's address and
// token.
type controlAddr struct {
	Addr  string `json:"addr"`
	Token string `json:"token"`
}

func readControlAddr(t *testing.T, home string) controlAddr {
	t.Helper()
	var a controlAddr
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(home, "control.addr"))), &a); err != nil {
		t.Fatalf("control.addr: %v", err)
	}
	return a
}

// controlRequest sends one raw request line to the control channel from
// Linux (Wine shares the loopback) and returns the reply line.
func controlRequest(t *testing.T, addr, line string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial control channel %s: %v", addr, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintln(c, line); err != nil {
		t.Fatalf("write control request: %v", err)
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("read control reply: %v", err)
	}
	return reply
}

// reg runs Wine's reg.exe on the prefix.
func (tl tool) reg(t *testing.T, args ...string) result {
	t.Helper()
	return tl.run(t, "/", wineEnv(t.TempDir()), "reg", args...)
}

// TestWineSmoke runs the steps in order: each builds on the data folder
// and processes the one before left.
func TestWineSmoke(t *testing.T) {
	tl := setup(t)
	top := t
	// Spaces and non-ASCII in the data folder, the documents' folder and
	// their names: the paths travel through the command line, the control
	// channel, SQLite and `jobs --json`.
	root := filepath.Join(t.TempDir(), "Smoke ünï")
	home := filepath.Join(root, "data home é")
	docs := filepath.Join(root, "docs dir", "ünï cödé")
	first := filepath.Join(docs, "ré sumé.pdf")
	second := filepath.Join(docs, "naïve two.pdf")
	third := filepath.Join(docs, "日本 three.pdf")
	for _, p := range []string{first, second, third} {
		pdf(t, p)
	}
	env := wineEnv(home)
	// The Windows 10/11 notification path: toasts registered under the
	// app's AppUserModelID (Wine reports no major version of its own).
	tl.reg(t, "delete", `HKCU\Software\Classes\AppUserModelId\Reducto Tray`, "/f")

	var a *instance
	step(t, "headless sandbox submission", func(t *testing.T) {
		a = tl.start(t, top, root, env, "--headless", "--sandbox", "--listen", "127.0.0.1:0", first)
		a.waitLog(t, receiverLine, 60*time.Second)
		j := tl.waitJob(t, env, winPath(first), 60*time.Second)
		checkCompleted(t, j, winPath(first), "none")
	})

	step(t, "notification failure reported, not fatal", func(t *testing.T) {
		m := a.waitLog(t, notifyFailed, 30*time.Second)
		if !strings.Contains(m[0], "ré sumé.pdf completed") {
			t.Errorf("the failure does not name the notification: %s", m[0])
		}
		if !a.alive() {
			t.Fatalf("the app exited after the notification failed: %v", a.err)
		}
		// The toast was registered under the app's name with an icon file
		// that outlives the call (beeep's own temporary copy is deleted as
		// soon as the toast is pushed).
		r := tl.reg(t, "query", `HKCU\Software\Classes\AppUserModelId\Reducto Tray`)
		if !regexp.MustCompile(`DisplayName\s+REG_SZ\s+Reducto Tray`).MatchString(r.stdout) {
			t.Errorf("toast registration has no DisplayName 'Reducto Tray':\n%s%s", r.stdout, r.stderr)
		}
		m = regexp.MustCompile(`IconUri\s+REG_SZ\s+(\S.*?)\r?\n`).FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("toast registration has no IconUri:\n%s", r.stdout)
		}
		icon := filepath.Join(os.Getenv("WINEPREFIX"), "drive_c", filepath.FromSlash(strings.ReplaceAll(strings.TrimPrefix(m[1], `C:\`), `\`, "/")))
		b, err := os.ReadFile(icon)
		if err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
			t.Errorf("toast icon %s (%s) is not a PNG file: %v", m[1], icon, err)
		}
	})

	var addr controlAddr
	step(t, "hand-off over the control channel", func(t *testing.T) {
		addr = readControlAddr(t, home)
		if !regexp.MustCompile(`^127\.0\.0\.1:\d+$`).MatchString(addr.Addr) || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(addr.Token) {
			t.Fatalf("control.addr = %+v, want a loopback address and a 32-byte hex token", addr)
		}
		// Anyone on the machine can connect to a loopback port: without
		// the token from the private data folder nothing is done.
		for _, line := range []string{`{"show":true}`, `{"show":true,"auth":"` + strings.Repeat("ab", 32) + `"}`, `{"open":["C:\\x.pdf"],"auth":"zz"}`} {
			if reply := controlRequest(t, addr.Addr, line); !strings.Contains(reply, `"error":"unauthorized"`) {
				t.Errorf("request %s without the token: reply %q, want unauthorized", line, reply)
			}
		}
		if reply := controlRequest(t, addr.Addr, `{"show":true,"auth":"`+addr.Token+`"}`); strings.Contains(reply, "error") {
			t.Errorf("request with the token refused: %q", reply)
		}
		// The second process is started in the documents' folder with a
		// relative name: the instance gets the absolute Windows path.
		r := tl.run(t, docs, env, tl.exe, "--sandbox", filepath.Base(second))
		if r.code != 0 || !strings.Contains(r.stdout, "Handed 1 file(s) to the running Reducto Tray") {
			t.Fatalf("second process: exit %d, stdout %q, stderr %q; want exit 0 and the hand-off", r.code, r.stdout, r.stderr)
		}
		checkCompleted(t, tl.waitJob(t, env, winPath(second), 60*time.Second), winPath(second), "none")
	})

	var c *instance
	step(t, "stale control channel after a kill is replaced", func(t *testing.T) {
		a.kill(t)
		stale := readControlAddr(t, home) // left behind: nothing cleaned up
		if stale != addr {
			t.Fatalf("control.addr changed by the kill: %+v", stale)
		}
		c = tl.start(t, top, root, env, "--headless", "--sandbox", "--listen", "127.0.0.1:0")
		c.waitLog(t, receiverLine, 60*time.Second)
		now := readControlAddr(t, home)
		if now.Token == stale.Token || now.Addr == "" {
			t.Fatalf("control.addr after the restart = %+v; the stale one (%+v) was not replaced", now, stale)
		}
		r := tl.run(t, root, env, tl.exe, third)
		if r.code != 0 || !strings.Contains(r.stdout, "Handed 1 file(s)") {
			t.Fatalf("hand-off to the new instance: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		checkCompleted(t, tl.waitJob(t, env, winPath(third), 60*time.Second), winPath(third), "none")
		// The killed instance's history survived.
		checkCompleted(t, tl.waitJob(t, env, winPath(first), time.Second), winPath(first), "none")
		c.kill(t)
	})

	secret := "whsec_" + "c21va2Utc2VjcmV0LXNtb2tlLXNlY3JldC0zMmJ5dGVz" // 32 bytes
	svixHome := filepath.Join(root, "svix home ü")
	step(t, "secret stored in Credential Manager, else the file", func(t *testing.T) {
		probe := func(home string) (out struct {
			SetErr string `json:"set_err"`
			Get    string `json:"get"`
			GetErr string `json:"get_err"`
			File   bool   `json:"file"`
		}) {
			r := tl.run(t, "/", wineEnv(home), tl.probe, winPath(home), "webhook_secret", secret)
			if r.code != 0 || json.Unmarshal([]byte(r.stdout), &out) != nil {
				t.Fatalf("secretprobe: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			return out
		}
		// Wine's Credential Manager answers: the secret goes there, and
		// no copy is left on disk.
		if got := probe(filepath.Join(root, "keyring home")); got.SetErr != "" || got.Get != secret || got.File {
			t.Fatalf("with a credential store: %+v, want the secret stored there and no file", got)
		}
		// A store that fails every call (as when no user profile is
		// loaded): the secret falls back to the file and reads back.
		tl.reg(t, "add", `HKCU\Software\Wine\Credential Manager`, "/v", "EncryptionKey", "/t", "REG_SZ", "/d", "x", "/f")
		if got := probe(svixHome); got.SetErr != "" || got.Get != secret || !got.File {
			t.Fatalf("without a credential store: %+v, want the secret in the file and read back", got)
		}
	})
	defer tl.reg(t, "delete", `HKCU\Software\Wine\Credential Manager`, "/v", "EncryptionKey", "/f")

	step(t, "start at login through the registry's Run key", func(t *testing.T) {
		const id = "ai.reducto.tray.smoke"
		exe := `C:\Program Files\Reducto Tray\reducto-tray.exe`
		probe := func(args ...string) (out struct {
			Enabled bool   `json:"enabled"`
			Err     string `json:"err"`
		}) {
			r := tl.run(t, "/", wineEnv(t.TempDir()), tl.probe, append([]string{"autostart"}, args...)...)
			if r.code != 0 || json.Unmarshal([]byte(r.stdout), &out) != nil {
				t.Fatalf("autostart probe: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			return out
		}
		runKey := `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`
		if got := probe("enable", id, exe); !got.Enabled || got.Err != "" {
			t.Fatalf("enable: %+v", got)
		}
		// What Windows reads at login: the quoted path under the Run key.
		if q := tl.reg(t, "query", runKey, "/v", id); q.code != 0 || !strings.Contains(q.stdout, `"`+exe+`"`) {
			t.Fatalf("Run value after enable: exit %d, %q", q.code, q.stdout)
		}
		if got := probe("disable", id); got.Enabled || got.Err != "" {
			t.Fatalf("disable: %+v", got)
		}
		if q := tl.reg(t, "query", runKey, "/v", id); q.code == 0 {
			t.Fatalf("Run value still there after disable: %q", q.stdout)
		}
	})

	step(t, "signed Svix webhook to the receiver", func(t *testing.T) {
		// A simulated Reducto API, native on Linux, that signs its Svix
		// deliveries with the secret the app read from the file fallback
		// (the credential store still fails every call).
		sim, err := reductotest.New(reductotest.Config{
			APIKey:      "smoke-key",
			JobDuration: func(reductotest.Submission) time.Duration { return time.Second },
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sim.Close() })
		env := wineEnv(svixHome, "REDUCTO_API_KEY=smoke-key", "REDUCTO_BASE_URL="+sim.URL)
		e := tl.start(t, top, root, env, "--headless", "--webhook", "svix", "--listen", "127.0.0.1:0")
		recv := e.waitLog(t, receiverLine, 60*time.Second)[1]
		if err := sim.SetSvixEndpoint("http://"+recv+"/webhooks/svix", secret, nil); err != nil {
			t.Fatal(err)
		}
		r := tl.run(t, root, env, tl.exe, first)
		if r.code != 0 {
			t.Fatalf("hand-off: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		j := tl.waitJob(t, env, winPath(first), 60*time.Second)
		checkCompleted(t, j, winPath(first), "svix")
		ds := sim.Deliveries(j.JobID)
		if len(ds) == 0 || !ds[len(ds)-1].OK() {
			t.Fatalf("Svix deliveries of %s: %+v, want the signed one accepted", j.JobID, ds)
		}

		post := func(sign string, body string) int {
			req, _ := http.NewRequest(http.MethodPost, "http://"+recv+"/webhooks/svix", strings.NewReader(body))
			id, ts := fmt.Sprintf("msg_smoke%d", time.Now().UnixNano()), time.Now()
			req.Header.Set("svix-id", id)
			req.Header.Set("svix-timestamp", fmt.Sprint(ts.Unix()))
			req.Header.Set("content-type", "application/json")
			if sign != "" {
				wh, err := svix.NewWebhook(sign)
				if err != nil {
					t.Fatal(err)
				}
				sig, err := wh.Sign(id, ts, []byte(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("svix-signature", sig)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("POST /webhooks/svix: %v", err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		body := `{"status":"Completed","job_id":"` + j.JobID + `"}`
		if code := post(secret, body); code != http.StatusNoContent {
			t.Errorf("signed delivery: %d, want 204", code)
		}
		if code := post("whsec_"+"b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC1vdGhlci0x", body); code != http.StatusUnauthorized {
			t.Errorf("delivery signed with another secret: %d, want 401", code)
		}
		if code := post("", body); code != http.StatusUnauthorized {
			t.Errorf("unsigned delivery: %d, want 401", code)
		}
		if code := post(secret, `{"hello":"world"}`); code != http.StatusBadRequest {
			t.Errorf("signed delivery that is not Reducto's: %d, want 400", code)
		}
		e.kill(t)
	})
}
