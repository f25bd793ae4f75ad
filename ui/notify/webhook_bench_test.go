package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/assets"
	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/core"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/receiver"
	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
	"github.com/reductotray/reducto-tray/ui/notify"
)

// benchSecret signs the Svix deliveries of BenchmarkWebhookToNotify.
const benchSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// coreNotifier is main.go's adapter: the notifier as the core runs it.
type coreNotifier struct{ *notify.Notifier }

func (coreNotifier) Apply(settings.Effective) {}

// BenchmarkWebhookToNotify measures the whole path of a webhook for a job
// the app follows, as a person waits for it: from the receiver's 204 (a
// direct-mode delivery, or a Svix-signed one) through the engine's fetch
// of the job's result (GET /job on the simulated API, over loopback HTTP),
// the store's commit, the event bus and the notifier, to the fake
// notification server on the private D-Bus receiving Notify. The core runs
// as in the app (jobs/core with its receiver, engine, store and notifier,
// the sender with the app's icon as main.go builds it); the simulator
// delivers nothing itself, so the timed delivery is the only one. Each job
// is submitted and finished at the simulator outside the timed part.
//
//	go test -run '^$' -bench WebhookToNotify -benchtime 100x ./ui/notify/
func BenchmarkWebhookToNotify(b *testing.B) {
	for _, mode := range []jobs.WebhookMode{jobs.WebhookDirect, jobs.WebhookSvix} {
		b.Run(string(mode), func(b *testing.B) { benchWebhookToNotify(b, mode) })
	}
}

func benchWebhookToNotify(b *testing.B, mode jobs.WebhookMode) {
	d := fakedesktop.Shared(b)
	sim := reductotest.NewServer(reductotest.Config{
		APIKey:      "bench-key",
		JobDuration: func(reductotest.Submission) time.Duration { return time.Millisecond },
	})
	b.Cleanup(sim.Close)
	home := b.TempDir()
	env := map[string]string{settings.EnvAPIKey: "bench-key", settings.EnvBaseURL: sim.URL, settings.EnvSecret: benchSecret}
	svc, err := settings.NewService(settings.ServiceConfig{
		Home: home, Secrets: settings.NewSecrets(home, false), CheckSecret: receiver.ValidateSecret,
		Getenv: func(k string) string { return env[k] },
	})
	if err != nil {
		b.Fatal(err)
	}
	sender := &notify.DesktopSender{AppName: notify.DefaultAppName, Icon: assets.Icon}
	b.Cleanup(func() { _ = sender.Close() })
	a, err := core.Start(core.Config{
		Home: home, Settings: svc, Notifier: coreNotifier{notify.New(notify.Config{Sender: sender})},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		// A direct-mode job's own delivery goes to a closed port.
		Flags: core.Flags{Listen: "127.0.0.1:0", PublicURL: "http://127.0.0.1:1", Webhook: mode},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Close)
	deliver := directDelivery(b, home, a.ReceiverAddr())
	if mode == jobs.WebhookSvix {
		deliver = svixDelivery(b, a.ReceiverAddr())
	}
	ctx := context.Background()
	dir := b.TempDir()

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		name := fmt.Sprintf("doc-%06d.pdf", i)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("%PDF-1.4\nbench\n%%EOF\n"), 0o600); err != nil {
			b.Fatal(err)
		}
		queued, _, err := a.Submit(ctx, []string{path}, a.Defaults())
		if err != nil || len(queued) != 1 {
			b.Fatalf("submit: %v %v", queued, err)
		}
		jobID := waitJobID(b, a, queued[0].ID)
		if err := sim.WaitFor(10*time.Second, func() bool {
			ji, ok := sim.Job(jobID)
			return ok && ji.Status == reducto.JobCompleted
		}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()

		t0 := deliver(jobID)
		calls, err := d.WaitFor(func(calls []fakedesktop.Notification) bool {
			return len(calls) > 0 && strings.Contains(calls[len(calls)-1].Body, name)
		}, 10*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, calls[len(calls)-1].At.Sub(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}

// A delivery posts Reducto's "Completed" webhook for a job and returns when
// the receiver's 204 arrived.
type delivery func(jobID string) time.Time

func directDelivery(b *testing.B, home, addr string) delivery {
	token, err := receiver.LoadOrCreateToken(home)
	if err != nil {
		b.Fatal(err)
	}
	url := receiver.DirectURL("http://"+addr, token)
	return func(jobID string) time.Time {
		return post(b, url, nil, []byte(fmt.Sprintf(`{"status":"Completed","job_id":%q}`, jobID)))
	}
}

func svixDelivery(b *testing.B, addr string) delivery {
	wh, err := svix.NewWebhook(benchSecret)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	return func(jobID string) time.Time {
		n++
		id, now := fmt.Sprintf("msg_bench%06d", n), time.Now()
		body := []byte(fmt.Sprintf(`{"status":"Completed","job_id":%q}`, jobID))
		sig, err := wh.Sign(id, now, body)
		if err != nil {
			b.Fatal(err)
		}
		h := http.Header{"Svix-Id": {id}, "Svix-Timestamp": {strconv.FormatInt(now.Unix(), 10)}, "Svix-Signature": {sig}}
		return post(b, "http://"+addr+receiver.PathSvix, h, body)
	}
}

// post sends body and returns when the 204 came back.
func post(b *testing.B, url string, h http.Header, body []byte) time.Time {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header = h.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_ = resp.Body.Close()
	at := time.Now()
	if resp.StatusCode != http.StatusNoContent {
		b.Fatalf("webhook answered %d", resp.StatusCode)
	}
	return at
}

// waitJobID waits until job id has Reducto's job id.
func waitJobID(b *testing.B, a *core.App, id int64) string {
	b.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := a.Engine().Job(context.Background(), id)
		if err == nil && j.JobID != "" {
			return j.JobID
		}
		if time.Now().After(deadline) {
			b.Fatalf("job %d not submitted: %+v %v", id, j, err)
		}
		time.Sleep(time.Millisecond) // poll interval; the deadline decides
	}
}
