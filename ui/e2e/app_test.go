//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
)

// Generous deadlines: the machine running this may be busy building.
const (
	startTimeout = 90 * time.Second  // launch to tray registration
	jobTimeout   = 120 * time.Second // handover to a completed job (sandbox jobs run 2-4 s)
)

// desktopRun is one app under a fresh display and session bus.
type desktopRun struct {
	t    *testing.T
	d    *fakedesktop.Desktop
	x    xvfb
	in   *install
	app  *process
	addr string
	tray fakedesktop.TrayItem
}

// launch starts the app with the sandbox API and waits for its tray item.
func launch(t *testing.T, env []string, args ...string) *desktopRun {
	t.Helper()
	d := fakedesktop.Start(t)
	x := startXvfb(t)
	bin := appBinary(t)
	r := &desktopRun{t: t, d: d, x: x, in: newInstall(t, bin, d, x, env...), addr: freeAddr(t)}
	r.app = r.in.start(append([]string{"--sandbox", "--listen", r.addr}, args...)...)

	item, err := d.WaitTrayItem(startTimeout)
	if err != nil {
		t.Fatalf("%v (app exited: %v)", err, r.app.exited())
	}
	r.tray = item
	// The title and the menu are set just after the item registers (the
	// menu once the UI has read its presets and folders): poll for them.
	var (
		title  string
		labels []string
	)
	for deadline := time.Now().Add(10 * time.Second); ; {
		title, err = item.Title()
		if err == nil && title == "Reducto Tray" {
			labels, err = item.MenuLabels()
			if err == nil && slices.Contains(labels, "Quit") {
				break
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond) // poll interval; the deadline decides
	}
	if title != "Reducto Tray" {
		t.Errorf("tray Title = %q; want Reducto Tray", title)
	}
	if err != nil {
		t.Errorf("tray menu: %v", err)
	}
	t.Logf("tray menu: %q", labels)
	if !slices.Contains(labels, "Quit") {
		t.Errorf("tray menu %q has no Quit", labels)
	}
	return r
}

// handOver submits file through a second process, as "Open with" does.
func (r *desktopRun) handOver(file string) {
	t := r.t
	t.Helper()
	out, errOut, err := r.in.run(60*time.Second, file)
	if err != nil {
		t.Fatalf("second process: %v\nstdout: %s\nstderr: %s", err, out, errOut)
	}
	if !strings.Contains(strings.ToLower(out), "handed") {
		t.Errorf("second process did not say it handed the file over; stdout %q", out)
	}
	if r.app.exited() {
		t.Fatal("the running app exited")
	}
}

// completed waits until file's job ends and requires it to have completed.
func (r *desktopRun) completed(file string) jobJSON {
	r.t.Helper()
	j := r.in.waitJob(file, jobTimeout, func(j jobJSON) bool {
		return j.Status == "completed" || j.Status == "failed" || j.Status == "cancelled"
	})
	if j.Status != "completed" || j.JobID == "" {
		r.t.Fatalf("job ended %+v, want completed with a job_id", j)
	}
	if j.CompletedAt == nil || j.Error != nil || j.Kind == "" {
		r.t.Errorf("completed job %+v: want completed_at, no error, a kind", j)
	}
	return j
}

// notifiedOnce requires exactly one notification naming file, saying it
// completed, from "Reducto Tray".
func (r *desktopRun) notifiedOnce(file string, wantInBody string) {
	t := r.t
	t.Helper()
	base := filepath.Base(file)
	deadline := time.Now().Add(30 * time.Second)
	var mine []fakedesktop.Notification
	for n := 1; ; {
		all, err := r.d.WaitNotifications(n, time.Until(deadline))
		if err != nil {
			t.Fatalf("no notification naming %q: %v; got %+v", base, err, all)
		}
		if slices.ContainsFunc(all, func(n fakedesktop.Notification) bool { return strings.Contains(n.Summary, base) }) {
			break
		}
		n = len(all) + 1
	}
	// Anything else would come within the burst window (2 s).
	if err := r.d.ExpectNoMore(len(r.d.Notifications()), 5*time.Second); err != nil {
		t.Error(err)
	}
	for _, n := range r.d.Shown() { // an update in place counts as the same notification
		if strings.Contains(n.Summary, base) || strings.Contains(n.Body, wantInBody) {
			mine = append(mine, n)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("%d notifications about %s, want 1: %+v", len(mine), base, mine)
	}
	n := mine[0]
	if n.AppName != "Reducto Tray" {
		t.Errorf("notification app name %q, want Reducto Tray", n.AppName)
	}
	if !strings.Contains(n.Summary, "completed") || !strings.Contains(n.Body, wantInBody) || !strings.Contains(n.Body, "completed") {
		t.Errorf("notification %q / %q: want the file and completed", n.Summary, n.Body)
	}
}

// TestHandoverCompletesAndNotifies is the whole desktop flow with polling:
// tray, handover by a second process, history, one notification, and a
// screenshot of the window.
func TestHandoverCompletesAndNotifies(t *testing.T) {
	r := launch(t, nil)
	file := writeDocument(t, "quarterly report.pdf")
	r.handOver(file)
	j := r.completed(file)
	if j.Webhook != "none" {
		t.Errorf("webhook %q, want none (the saved default)", j.Webhook)
	}
	r.notifiedOnce(file, "quarterly report.pdf")

	// Pausing from the tray silences the next outcome for good.
	if err := r.tray.ClickMenu("30 minutes"); err != nil {
		t.Fatal(err)
	}
	labels, _ := r.tray.MenuLabels()
	t.Logf("tray menu while paused: %q", labels)
	before := len(r.d.Notifications())
	quiet := writeDocument(t, "while paused.pdf")
	r.handOver(quiet)
	r.completed(quiet)
	// The notifier would show it within its 2 s burst window.
	if err := r.d.ExpectNoMore(before, 5*time.Second); err != nil {
		t.Errorf("notified while paused from the tray: %v", err)
	}
	r.screenshot()
}

// TestSvixWebhooksComplete runs in svix mode: the sandbox delivers signed
// webhooks to the receiver, which verifies them with the secret from
// REDUCTO_WEBHOOK_SECRET.
func TestSvixWebhooksComplete(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	r := launch(t, []string{"REDUCTO_WEBHOOK_SECRET=" + secret}, "--webhook", "svix")
	// Outside text reaches the notification escaped.
	file := writeDocument(t, "invoice & <draft>.pdf")
	r.handOver(file)
	j := r.completed(file)
	if j.Webhook != "svix" {
		t.Errorf("webhook %q, want svix", j.Webhook)
	}
	r.notifiedOnce(file, "invoice &amp; &lt;draft&gt;.pdf")

	deadline := time.Now().Add(60 * time.Second)
	for {
		h, err := healthz(r.addr)
		if err == nil {
			hooks, _ := h["webhooks"].(map[string]any)
			accepted, _ := hooks["accepted"].(float64)
			rejected, _ := hooks["rejected"].(map[string]any)
			if sig, _ := rejected["signature"].(float64); sig != 0 {
				t.Fatalf("receiver rejected %v signed webhooks: %v", sig, h)
			}
			if accepted >= 1 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no verified Svix webhook within 60s: %v, %v", h, err)
		}
		time.Sleep(250 * time.Millisecond) // poll interval; the deadline decides
	}
}

// screenshot shows the window (a left click on the tray icon), checks that
// something was drawn and, with UPDATE_SCREENSHOT=1, saves it as
// docs/screenshot.png.
func (r *desktopRun) screenshot() {
	t := r.t
	t.Helper()
	if err := r.tray.Activate(); err != nil {
		t.Fatalf("show window from the tray: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		img, err := r.x.screenshot()
		if err == nil && distinctColors(img, 16) >= 16 {
			if os.Getenv("UPDATE_SCREENSHOT") == "1" {
				path := filepath.Join(repoRoot(t), "docs", "screenshot.png")
				if err := writePNG(path, cropToContent(img)); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s", path)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window never drew on the screen: %v", err)
		}
		time.Sleep(250 * time.Millisecond) // poll interval; the deadline decides
	}
}
