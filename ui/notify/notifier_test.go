package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
)

// wait bounds every wait for something that should happen; it is generous
// because the machine is shared.
const wait = 10 * time.Second

// harness runs a Notifier over real beeep against the shared fake desktop.
type harness struct {
	t      *testing.T
	d      *fakedesktop.Desktop
	n      *Notifier
	events chan jobs.Event
	window time.Duration
}

func start(t *testing.T, cfg Config) *harness {
	t.Helper()
	d := fakedesktop.Shared(t)
	if cfg.BurstWindow == 0 {
		cfg.BurstWindow = 150 * time.Millisecond
	}
	n := New(cfg)
	closeSender(t, n)
	return run(t, d, n, cfg.BurstWindow)
}

func run(t *testing.T, d *fakedesktop.Desktop, n *Notifier, window time.Duration) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	// Unbuffered: a send returns only once Run has taken the event, which
	// is what "Run keeps consuming" means.
	events := make(chan jobs.Event)
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.Run(ctx, events)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return &harness{t: t, d: d, n: n, events: events, window: window}
}

func outcomeEvent(id int64, file string, st jobs.Status, reason string) jobs.Event {
	return jobs.Event{Kind: jobs.EventChanged, Job: jobs.Job{
		ID: id, File: file, Kind: jobs.KindParse, Status: st, Error: reason,
	}}
}

func (h *harness) push(evs ...jobs.Event) {
	h.t.Helper()
	for _, ev := range evs {
		select {
		case h.events <- ev:
		case <-time.After(wait):
			h.t.Fatalf("Run did not take event for job %d within %s", ev.Job.ID, wait)
		}
	}
}

func (h *harness) expect(n int) []fakedesktop.Notification {
	h.t.Helper()
	got, err := h.d.WaitNotifications(n, wait)
	if err != nil {
		h.t.Fatalf("%v: %+v", err, got)
	}
	// Nothing more may follow: everything pending is decided within one
	// window (or a burst's quiet gap), so two windows are ample.
	if err := h.d.ExpectNoMore(n, 2*h.window); err != nil {
		h.t.Fatal(err)
	}
	return got
}

func TestOneNotificationPerJobWhateverArrivesTwice(t *testing.T) {
	h := start(t, Config{})
	done := outcomeEvent(1, "/home/u/docs/report.pdf", jobs.StatusCompleted, "")
	running := outcomeEvent(1, "/home/u/docs/report.pdf", jobs.StatusRunning, "")
	h.push(jobs.Event{Kind: jobs.EventAdded, Job: running.Job}, running, done, done)
	got := h.expect(1)[0]
	if got.AppName != "Reducto Tray" {
		t.Errorf("app name %q, want Reducto Tray", got.AppName)
	}
	if got.Summary != "report.pdf completed" {
		t.Errorf("summary %q", got.Summary)
	}
	if got.Body != "report.pdf: parse completed" {
		t.Errorf("body %q", got.Body)
	}
	// A late duplicate (say a webhook after the poll) is still ignored.
	h.push(done, outcomeEvent(1, "/home/u/docs/report.pdf", jobs.StatusFailed, "late"))
	if err := h.d.ExpectNoMore(1, 3*h.window); err != nil {
		t.Fatal(err)
	}
}

func TestEscapesOutsideTextInBody(t *testing.T) {
	h := start(t, Config{})
	h.push(outcomeEvent(7, "/tmp/a&b <x>.pdf", jobs.StatusFailed, "<oops>"))
	got := h.expect(1)[0]
	if want := "a&amp;b &lt;x&gt;.pdf: parse failed: &lt;oops&gt;"; got.Body != want {
		t.Errorf("body %q, want %q", got.Body, want)
	}
	// The summary field is plain text by the spec: shown as is.
	if want := "a&b <x>.pdf failed"; got.Summary != want {
		t.Errorf("summary %q, want %q", got.Summary, want)
	}
}

// settled waits until the desktop shows want notifications (those taken
// off the screen not counted), the last of them naming lines files, and
// until no further Notify call follows.
func (h *harness) settled(want, lines int) []fakedesktop.Notification {
	h.t.Helper()
	calls, err := h.d.WaitFor(func([]fakedesktop.Notification) bool {
		shown := h.d.Shown()
		return len(shown) == want && strings.Count(shown[len(shown)-1].Body, "\n")+1 >= lines
	}, wait)
	if err != nil {
		h.t.Fatalf("%v: %+v", err, h.d.Shown())
	}
	if err := h.d.ExpectNoMore(len(calls), 2*h.window); err != nil {
		h.t.Fatal(err)
	}
	return h.d.Shown()
}

func TestFirstOutcomeIsShownAtOnce(t *testing.T) {
	// An hour's window: only showing at once can get it out within wait.
	h := start(t, Config{BurstWindow: time.Hour})
	h.push(outcomeEvent(1, "/d/now.pdf", jobs.StatusCompleted, ""))
	got, err := h.d.WaitNotifications(1, wait)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Summary != "now.pdf completed" || got[0].ReplacesID != 0 {
		t.Errorf("notification %+v, want a new one for now.pdf", got[0])
	}
}

func TestBurstUpdatesOneNotificationInPlace(t *testing.T) {
	// A wide window: all twelve must land in it even on a loaded machine.
	h := start(t, Config{BurstWindow: 2 * time.Second})
	var files []string
	for i := 1; i <= 12; i++ {
		f := fmt.Sprintf("scan-%02d.pdf", i)
		files = append(files, f)
		ev := outcomeEvent(int64(100+i), "/data/"+f, jobs.StatusCompleted, "")
		h.push(ev, ev) // every outcome arrives twice (webhook and poll)
		if i <= 2 {
			// The first two are on screen before the next arrives.
			if _, err := h.d.WaitNotifications(i, wait); err != nil {
				t.Fatal(err)
			}
		}
	}
	shown := h.settled(1, 12)
	if len(shown) != 1 {
		t.Fatalf("%d notifications, want 1 updated in place: %+v", len(shown), shown)
	}
	// The first two were notifications of their own; the third made them
	// one summary: the second's, updated in place, the first closed.
	calls := h.d.Notifications()
	if calls[0].ReplacesID != 0 || calls[0].Summary != "scan-01.pdf completed" ||
		calls[1].ReplacesID != 0 || calls[1].Summary != "scan-02.pdf completed" {
		t.Errorf("first calls %+v, %+v, want new notifications for scan-01.pdf and scan-02.pdf", calls[0], calls[1])
	}
	for _, c := range calls[2:] {
		if c.ReplacesID != calls[1].ID || c.ID != calls[1].ID {
			t.Errorf("update %+v does not replace notification %d", c, calls[1].ID)
		}
	}
	if got := h.d.Dismissed(); !slices.Equal(got, []uint32{calls[0].ID}) {
		t.Errorf("closed %v, want the first notification (%d)", got, calls[0].ID)
	}
	got := shown[0]
	if got.Summary != "12 documents completed" {
		t.Errorf("summary %q", got.Summary)
	}
	lines := strings.Split(got.Body, "\n")
	if len(lines) != 12 {
		t.Fatalf("body has %d lines, want 12:\n%s", len(lines), got.Body)
	}
	for i, f := range files {
		if want := f + ": parse completed"; lines[i] != want {
			t.Errorf("line %d = %q, want %q", i, lines[i], want)
		}
	}
	if got.AppName != "Reducto Tray" {
		t.Errorf("app name %q", got.AppName)
	}
}

// Two outcomes half a second apart, one completed and one failed, are two
// notifications: only three or more within the window make a summary.
func TestTwoOutcomesHalfASecondApartAreTwoNotifications(t *testing.T) {
	h := start(t, Config{BurstWindow: 2 * time.Second})
	h.push(outcomeEvent(1, "/d/good.pdf", jobs.StatusCompleted, ""))
	if _, err := h.d.WaitNotifications(1, wait); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the gap the issue reported (input, not synchronisation)
	h.push(outcomeEvent(2, "/d/bad.pdf", jobs.StatusFailed, "unreadable"))
	// Nothing merges them, before or after the window ends.
	got := h.expect(2)
	if got[0].Summary != "good.pdf completed" || got[1].Summary != "bad.pdf failed" || got[1].ReplacesID != 0 || got[1].ID == got[0].ID {
		t.Fatalf("notifications %+v, want one for each file", got)
	}
	if shown := h.d.Shown(); len(shown) != 2 || len(h.d.Dismissed()) != 0 {
		t.Fatalf("the desktop shows %+v (closed %v), want both", shown, h.d.Dismissed())
	}
}

// A third outcome within the window turns the two notifications shown so
// far into one summary naming all three: the latest is updated in place,
// the other closed, so the person sees one notification.
func TestThirdOutcomeMakesTheTwoOneSummary(t *testing.T) {
	h := start(t, Config{BurstWindow: 2 * time.Second})
	h.push(outcomeEvent(1, "/d/one.pdf", jobs.StatusCompleted, ""))
	first, err := h.d.WaitCall(1, wait)
	if err != nil {
		t.Fatal(err)
	}
	h.push(outcomeEvent(2, "/d/two.pdf", jobs.StatusFailed, "bad scan"))
	second, err := h.d.WaitCall(2, wait)
	if err != nil {
		t.Fatal(err)
	}
	h.push(outcomeEvent(3, "/d/three.pdf", jobs.StatusCompleted, ""))
	shown := h.settled(1, 3)
	got := shown[0]
	if got.ID != second.ID || got.Summary != "2 completed, 1 failed" {
		t.Errorf("summary %+v, want notification %d updated to name all three", got, second.ID)
	}
	if want := "one.pdf: parse completed\ntwo.pdf: parse failed: bad scan\nthree.pdf: parse completed"; got.Body != want {
		t.Errorf("body %q, want %q", got.Body, want)
	}
	if closed := h.d.Dismissed(); !slices.Equal(closed, []uint32{first.ID}) {
		t.Errorf("closed %v, want the first notification %d", closed, first.ID)
	}
}

func TestMixedBurstCountsBothAndEscapes(t *testing.T) {
	h := start(t, Config{BurstWindow: 2 * time.Second})
	for i := 1; i <= 10; i++ {
		h.push(outcomeEvent(int64(i), fmt.Sprintf("/d/ok%d.pdf", i), jobs.StatusCompleted, ""))
	}
	h.push(outcomeEvent(11, "/d/<b>bad1.pdf", jobs.StatusFailed, "timeout"),
		outcomeEvent(12, "/d/bad2.pdf", jobs.StatusFailed, "x & y"))
	got := h.settled(1, 12)[0]
	if got.Summary != "10 completed, 2 failed" {
		t.Errorf("summary %q", got.Summary)
	}
	if !strings.HasSuffix(got.Body, "\n&lt;b&gt;bad1.pdf: parse failed: timeout\nbad2.pdf: parse failed: x &amp; y") {
		t.Errorf("body does not end with the escaped failures:\n%s", got.Body)
	}
}

func TestOutcomesFurtherApartThanTheWindowAreSeparate(t *testing.T) {
	// A window far shorter than a D-Bus round trip: the second outcome
	// arrives after the first notification answered, so after the window.
	h := start(t, Config{BurstWindow: time.Microsecond})
	h.push(outcomeEvent(1, "/d/one.pdf", jobs.StatusCompleted, ""))
	if _, err := h.d.WaitNotifications(1, wait); err != nil {
		t.Fatal(err)
	}
	h.push(outcomeEvent(2, "/d/two.pdf", jobs.StatusFailed, "bad"))
	got := h.expect(2)
	if got[0].Summary != "one.pdf completed" || got[1].Summary != "two.pdf failed" {
		t.Errorf("summaries %q, %q", got[0].Summary, got[1].Summary)
	}
	if got[1].ReplacesID != 0 || got[1].ID == got[0].ID {
		t.Errorf("second %+v replaced the first %+v", got[1], got[0])
	}
}

func TestFailuresOnlyMode(t *testing.T) {
	h := start(t, Config{})
	h.n.SetMode(FailuresOnly)
	h.push(outcomeEvent(1, "/d/fine.pdf", jobs.StatusCompleted, ""),
		outcomeEvent(2, "/d/broken.pdf", jobs.StatusFailed, "corrupt"))
	got := h.expect(1)[0]
	if got.Summary != "broken.pdf failed" {
		t.Errorf("summary %q, want only the failure", got.Summary)
	}
}

func TestOffModeDropsForGood(t *testing.T) {
	h := start(t, Config{})
	h.n.SetMode(Off)
	h.push(outcomeEvent(1, "/d/quiet.pdf", jobs.StatusCompleted, ""))
	h.expect(0)
	h.n.SetMode(All)
	// The duplicate of a job that ended while off is not shown later...
	h.push(outcomeEvent(1, "/d/quiet.pdf", jobs.StatusCompleted, ""))
	// ...but a new job is.
	h.push(outcomeEvent(2, "/d/loud.pdf", jobs.StatusCompleted, ""))
	if got := h.expect(1)[0]; got.Summary != "loud.pdf completed" {
		t.Errorf("summary %q", got.Summary)
	}
}

func TestPauseAndResume(t *testing.T) {
	var now atomic.Int64
	t0 := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	now.Store(t0.UnixNano())
	h := start(t, Config{Now: func() time.Time { return time.Unix(0, now.Load()) }})

	until := t0.Add(30 * time.Minute)
	h.n.PauseUntil(until)
	if p, u := h.n.Paused(); !p || !u.Equal(until) {
		t.Fatalf("Paused() = %v, %v; want true, %v", p, u, until)
	}
	h.push(outcomeEvent(1, "/d/during.pdf", jobs.StatusCompleted, ""))
	h.expect(0)

	// The pause ends by itself when the clock passes it.
	now.Store(until.Add(time.Second).UnixNano())
	if p, _ := h.n.Paused(); p {
		t.Fatal("still paused after the deadline")
	}
	h.push(outcomeEvent(1, "/d/during.pdf", jobs.StatusCompleted, ""), // not shown later
		outcomeEvent(2, "/d/after.pdf", jobs.StatusCompleted, ""))
	if got := h.expect(1)[0]; got.Summary != "after.pdf completed" {
		t.Errorf("summary %q", got.Summary)
	}

	h.n.PauseUntil(time.Unix(0, now.Load()).Add(time.Hour))
	h.n.Resume()
	if p, _ := h.n.Paused(); p {
		t.Fatal("paused after Resume")
	}
	h.push(outcomeEvent(3, "/d/resumed.pdf", jobs.StatusCompleted, ""))
	if got, err := h.d.WaitNotifications(2, wait); err != nil || got[1].Summary != "resumed.pdf completed" {
		t.Fatalf("after Resume: %v %+v", err, got)
	}
}

// closeSender closes n's D-Bus connection when the test ends, so that no
// call of this test can reach the next one.
func closeSender(t *testing.T, n *Notifier) {
	if c, ok := n.cfg.Sender.(interface{ Close() error }); ok {
		t.Cleanup(func() { _ = c.Close() })
	}
}

func TestPauseSilencesWhatWaitsBehindASlowCall(t *testing.T) {
	d := fakedesktop.Shared(t)
	d.SetNotifyHang(true)
	n := New(Config{BurstWindow: 2 * time.Second})
	closeSender(t, n)
	queued := make(chan int, 100)
	n.testHookQueued = func(k int) { queued <- k }
	h := run(t, d, n, 2*time.Second)
	h.push(outcomeEvent(1, "/d/slow.pdf", jobs.StatusCompleted, ""))
	if err := d.WaitBlocked(1, wait); err != nil {
		t.Fatal(err)
	}
	h.push(outcomeEvent(2, "/d/late.pdf", jobs.StatusCompleted, ""))
	for k := 0; k != 1; {
		select {
		case k = <-queued:
		case <-time.After(wait):
			t.Fatal("late.pdf never queued behind the slow call")
		}
	}
	h.n.PauseUntil(time.Now().Add(time.Hour))
	d.SetNotifyHang(false)
	got, err := d.WaitNotifications(1, wait)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Summary != "slow.pdf completed" {
		t.Errorf("summary %q", got[0].Summary)
	}
	if err := d.ExpectNoMore(1, 500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
}

func TestStuckServerDoesNotHangRun(t *testing.T) {
	d := fakedesktop.Shared(t)
	d.SetNotifyHang(true)
	health := make(chan error, 100)
	queued := make(chan int, 100)
	n := New(Config{
		Timeout:     200 * time.Millisecond,
		BurstWindow: 2 * time.Second,
		OnHealth:    func(err error) { health <- err },
	})
	closeSender(t, n)
	n.testHookQueued = func(k int) { queued <- k }
	h := run(t, d, n, 2*time.Second)

	h.push(outcomeEvent(1, "/d/first.pdf", jobs.StatusCompleted, ""))
	if err := d.WaitBlocked(1, wait); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-health:
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("health error %v, want ErrTimeout", err)
		}
	case <-time.After(wait):
		t.Fatal("no health report for a server that never answers")
	}
	if !errors.Is(n.LastError(), ErrTimeout) {
		t.Fatalf("LastError() = %v, want ErrTimeout", n.LastError())
	}

	before := runtime.NumGoroutine()
	const more = 30
	for i := 2; i <= more+1; i++ {
		h.push(outcomeEvent(int64(i), fmt.Sprintf("/d/later-%02d.pdf", i), jobs.StatusCompleted, ""))
	}
	deadline := time.After(wait)
	for k := 0; k < more; {
		select {
		case k = <-queued:
		case <-deadline:
			t.Fatalf("only %d outcomes queued behind the stuck call, want %d", k, more)
		}
	}
	if after := runtime.NumGoroutine(); after > before+2 {
		t.Errorf("goroutines grew from %d to %d while the server was stuck", before, after)
	}
	if got := d.Notifications(); len(got) != 0 {
		t.Fatalf("a stuck server showed %d notifications", len(got))
	}

	// The server wakes up: the stuck call completes, then the backlog
	// updates that same notification once, and health recovers.
	d.SetNotifyHang(false)
	got, err := d.WaitNotifications(2, wait)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Summary != "first.pdf completed" || got[1].Summary != fmt.Sprintf("%d documents completed", more+1) {
		t.Errorf("summaries %q, %q", got[0].Summary, got[1].Summary)
	}
	if got[1].ReplacesID != got[0].ID {
		t.Errorf("the backlog replaced %d, want %d", got[1].ReplacesID, got[0].ID)
	}
	if lines := strings.Count(got[1].Body, "\n") + 1; lines != more+1 {
		t.Errorf("backlog summary names %d files, want %d", lines, more+1)
	}
	if err := d.ExpectNoMore(2, 500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	recoverBy := time.After(wait)
recovered:
	for {
		select {
		case err := <-health:
			if err == nil {
				break recovered
			}
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("unexpected health report %v", err)
			}
		case <-recoverBy:
			t.Fatal("health never reported the recovery")
		}
	}
	if n.LastError() != nil {
		t.Errorf("LastError() = %v after recovery", n.LastError())
	}
}

func TestClosingEventsFlushesWhatIsWaiting(t *testing.T) {
	d := fakedesktop.Shared(t)
	n := New(Config{BurstWindow: time.Hour})
	closeSender(t, n)
	events := make(chan jobs.Event, 1)
	events <- outcomeEvent(1, "/d/last.pdf", jobs.StatusCompleted, "")
	close(events)
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.Run(context.Background(), events)
	}()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatal("Run did not return after the events channel closed")
	}
	// Run waited for delivery before returning: no wait needed.
	if got := d.Notifications(); len(got) != 1 || got[0].Summary != "last.pdf completed" {
		t.Errorf("notifications %+v", got)
	}
}

func TestBeeepSenderSendsPNGIconInline(t *testing.T) {
	d := fakedesktop.Shared(t)
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	if err := (BeeepSender{AppName: "Custom", Icon: buf.Bytes()}).Send("t", "b"); err != nil {
		t.Fatal(err)
	}
	got, err := d.WaitNotifications(1, wait)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].AppName != "Custom" || got[0].Summary != "t" || got[0].Body != "b" {
		t.Errorf("notification %+v", got[0])
	}
	if _, ok := got[0].Hints["image-data"]; !ok {
		t.Errorf("no image-data hint in %v", got[0].Hints)
	}
}
