package core

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/receiver"
	"github.com/reductotray/reducto-tray/receiver/control"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// startCore starts a headless core on a fresh data folder with env as the
// environment.
func startCore(t *testing.T, flags Flags, env map[string]string) (*App, *settings.Service) {
	t.Helper()
	home := t.TempDir()
	svc, err := settings.NewService(settings.ServiceConfig{
		Home: home, Secrets: settings.NewSecrets(home, false), CheckSecret: receiver.ValidateSecret,
		Getenv: func(k string) string { return env[k] },
	})
	if err != nil {
		t.Fatal(err)
	}
	if flags.Listen == "" {
		flags.Listen = "127.0.0.1:0"
	}
	a, err := Start(Config{Home: home, Flags: flags, Settings: svc, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a, svc
}

func writePDF(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("%PDF-1.4\nhello\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second) // generous: only a failing test waits it out; under -race the sandbox reads PDFs in wazero's interpreter
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSandboxAlwaysGetsItsOwnSecretAndKey(t *testing.T) {
	a, _ := startCore(t, Flags{Sandbox: true}, map[string]string{
		settings.EnvSecret: testSecret, settings.EnvAPIKey: "rk_real_key",
	})
	if a.secret() == testSecret || a.secret() == "" {
		t.Fatalf("sandbox verifies with %q; want its own random secret", a.secret())
	}
	if err := receiver.ValidateSecret(a.secret()); err != nil {
		t.Fatalf("sandbox secret is not a valid Svix secret: %v", err)
	}
	if !a.InSandbox() {
		t.Fatal("--sandbox with a key left the sandbox")
	}
}

func TestHeadlessFolderSubmissionSkipsWhatIsNotADocument(t *testing.T) {
	a, _ := startCore(t, Flags{Sandbox: true}, nil)
	dir := t.TempDir()
	writePDF(t, dir, "a.pdf")
	writePDF(t, dir, "sub/../b.pdf")
	if err := os.WriteFile(filepath.Join(dir, "tool.exe"), []byte("MZ"), 0o600); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "tool.exe")
	queued, skipped, err := a.Submit(context.Background(), []string{dir, exe}, a.Defaults())
	if err != nil || len(queued) != 2 {
		t.Fatalf("queued %d jobs, err %v; want the 2 PDFs", len(queued), err)
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "not a document") {
		t.Fatalf("skipped = %+v; want tool.exe refused", skipped)
	}
	waitFor(t, "both jobs completed", func() bool {
		js, err := a.Engine().List(context.Background(), jobs.Query{Statuses: []jobs.Status{jobs.StatusCompleted}})
		return err == nil && len(js) == 2
	})
}

func TestClearingTheSecretTakesEffectAtOnce(t *testing.T) {
	// A real (non-sandbox) setup: a key, pointed at a loopback URL nobody
	// answers; only the settings matter here.
	a, svc := startCore(t, Flags{}, map[string]string{
		settings.EnvAPIKey: "rk_test", settings.EnvBaseURL: "http://127.0.0.1:9",
	})
	if a.InSandbox() {
		t.Fatal("a key was set but the core runs the sandbox")
	}
	if err := svc.SetSecret(settings.SecretWebhook, testSecret); err != nil {
		t.Fatal(err)
	}
	if a.secret() != testSecret {
		t.Fatalf("secret in force %q after saving it", a.secret())
	}
	if err := svc.SetSecret(settings.SecretWebhook, "whsec_"); err == nil {
		t.Fatal("a short Svix secret was accepted")
	}
	if err := svc.SetSecret(settings.SecretWebhook, ""); err != nil {
		t.Fatal(err)
	}
	if a.secret() != "" {
		t.Fatalf("cleared secret still in force: %q", a.secret())
	}
}

func TestSavedDefaultsApplyUnlessThisRunOverrodeThem(t *testing.T) {
	a, svc := startCore(t, Flags{Sandbox: true, Webhook: jobs.WebhookSvix}, nil)
	if _, err := svc.Update(func(s *settings.Settings) { s.Defaults.Kind = jobs.KindSplit; s.UploadConcurrency = 7 }); err != nil {
		t.Fatal(err)
	}
	if d := a.Defaults(); d.Webhook != jobs.WebhookSvix || d.Kind != jobs.KindParse {
		t.Fatalf("--webhook run took saved defaults: %+v", d)
	}
	b, svc2 := startCore(t, Flags{Sandbox: true}, nil)
	if _, err := svc2.Update(func(s *settings.Settings) { s.Defaults.Kind = jobs.KindSplit }); err != nil {
		t.Fatal(err)
	}
	if d := b.Defaults(); d.Kind != jobs.KindSplit {
		t.Fatalf("saved default kind not applied: %+v", d)
	}
}

func TestFiveSimultaneousLaunchesMakeOneInstance(t *testing.T) {
	home := t.TempDir()
	var mu sync.Mutex
	var handed [][]string
	handle := func(_ context.Context, req control.Request) (control.Response, error) {
		mu.Lock()
		handed = append(handed, req.Open)
		mu.Unlock()
		return control.Response{Accepted: len(req.Open)}, nil
	}
	const n = 5
	type result struct {
		srv  *control.Server
		resp *control.Response
		err  error
	}
	results := make(chan result, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			<-start
			srv, resp, err := ClaimWith(context.Background(), home, control.Request{Open: []string{filepath.Join(home, "doc", string(rune('a'+i))+".pdf")}}, handle)
			results <- result{srv, resp, err}
		}()
	}
	close(start)
	var servers []*control.Server
	handedOver := 0
	for range n {
		r := <-results
		switch {
		case r.err != nil:
			t.Errorf("a launch failed: %v", r.err)
		case r.srv != nil:
			servers = append(servers, r.srv)
		case r.resp != nil && r.resp.Accepted == 1:
			handedOver++
		}
	}
	for _, s := range servers {
		defer s.Close()
	}
	if len(servers) != 1 || handedOver != n-1 {
		t.Fatalf("%d instances and %d hand-offs; want 1 and %d", len(servers), handedOver, n-1)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(handed) != n-1 {
		t.Fatalf("the instance took %d hand-offs, want %d", len(handed), n-1)
	}
}

func TestLaunchDuringQuitWaitsAndBecomesTheInstance(t *testing.T) {
	home := t.TempDir()
	first, _, err := ClaimWith(context.Background(), home, control.Request{Show: true}, func(context.Context, control.Request) (control.Response, error) {
		return control.Response{}, control.ErrQuitting
	})
	if err != nil || first == nil {
		t.Fatalf("first claim: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		srv, resp, err := ClaimWith(context.Background(), home, control.Request{Open: []string{"x.pdf"}}, func(context.Context, control.Request) (control.Response, error) {
			return control.Response{}, nil
		})
		switch {
		case err != nil:
			got <- err
		case resp != nil:
			got <- errors.New("files handed to a quitting instance")
		default:
			srv.Close()
			got <- nil
		}
	}()
	select {
	case err := <-got:
		t.Fatalf("second launch ended while the first still held the folder: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	first.Close() // everything stopped: the folder is released
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

func TestBadFlagsSayWhatIsAllowed(t *testing.T) {
	cases := map[string][]string{
		"use none, svix or direct":          {"--webhook", "bogus"},
		"flag provided but not defined":     {"--nope"},
		"plain http:// is allowed only for": {"--public-url", "http://example.com"},
		"needs a host and port":             {"--listen", "7433"},
	}
	for want, args := range cases {
		var out bytes.Buffer
		_, err := ParseFlags(args, &out)
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(ue.Msg, want) || strings.Count(ue.Msg, "\n") > 0 {
			t.Errorf("%v: err %v; want one line containing %q", args, err, want)
		}
	}
	if got := refusedArgs([]string{filepath.Join(t.TempDir(), "missing.pdf")}); len(got) != 1 || !strings.Contains(got[0], "no such file") {
		t.Errorf("missing file argument: %q", got)
	}
}

func TestLogIsPrivateAndRotates(t *testing.T) {
	home := t.TempDir()
	path := datadir.LogPath(home)
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := OpenLog(home)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("log mode %v, want 0600", info.Mode().Perm())
	}
	line := bytes.Repeat([]byte("x"), 1<<20)
	for range 11 {
		if _, err := l.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	old, err := os.Stat(path + ".1")
	if err != nil {
		t.Fatalf("no rotated log: %v", err)
	}
	cur, _ := os.Stat(path)
	if cur.Size() > maxLogBytes || old.Size() > maxLogBytes {
		t.Fatalf("log sizes %d and %d exceed %d", cur.Size(), old.Size(), maxLogBytes)
	}
}
