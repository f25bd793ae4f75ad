package webhooksview

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

// "Replay a time range…" asks the core to replay the chosen range: the
// last hour, today (from local midnight) or since a typed date; a date it
// cannot read is refused with the reason and nothing is replayed.
func TestWebhooksReplayTimeRange(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.Local)
	body := []byte(`{"status":"Completed","job_id":"j"}`)
	fake := newFakeDeliveries(
		jobs.DeliveryRecord{Seq: 4, ReceivedAt: now.Add(-10 * time.Minute), Via: jobs.ViaSvix, Verdict: jobs.VerdictBadSignature},
		jobs.DeliveryRecord{Seq: 3, ReceivedAt: now.Add(-30 * time.Minute), Via: jobs.ViaSvix, Verdict: jobs.VerdictAccepted, Body: body},
		jobs.DeliveryRecord{Seq: 2, ReceivedAt: now.Add(-3 * time.Hour), Via: jobs.ViaSvix, Verdict: jobs.VerdictAccepted, Body: body},
		jobs.DeliveryRecord{Seq: 1, ReceivedAt: now.Add(-20 * time.Hour), Via: jobs.ViaRelay, Verdict: jobs.VerdictDuplicate, Body: body},
	)
	r := newRig(t, Config{Deliveries: fake, Now: func() time.Time { return now }})
	v := r.v
	replay := func(choice, since string) {
		t.Helper()
		r.onMain(func() {
			test.Tap(v.ReplayRange)
			f := v.rangeForm
			f.Choice.SetSelected(choice)
			if since != "" {
				f.Since.SetText(since)
			}
			// The dialog's own Replay button.
			b := buttonIn(r.Win.Canvas().Overlays().Top(), "Replay")
			if b == nil {
				t.Fatal("the dialog has no Replay button")
			}
			test.Tap(b)
		})
	}
	ranges := func() [][2]time.Time {
		fake.mu.Lock()
		defer fake.mu.Unlock()
		return append([][2]time.Time(nil), fake.ranges...)
	}
	status := func() string { return r.Status() }

	replay(rangeLastHour, "")
	r.eventually("the last hour replayed", func() bool { return strings.Contains(status(), "1 forwards queued") })
	replay(rangeToday, "")
	r.eventually("today replayed", func() bool { return strings.Contains(status(), "2 forwards queued") })

	replay(rangeSince, "last tuesday")
	r.onMain(func() {
		f := v.rangeForm
		if !f.Problem.Visible() || !strings.Contains(f.Problem.Text, "not a date") || r.Win.Canvas().Overlays().Top() == nil {
			t.Errorf("an unreadable date: problem %q shown=%v, dialog open=%v", f.Problem.Text, f.Problem.Visible(), r.Win.Canvas().Overlays().Top() != nil)
		}
	})
	if n := len(ranges()); n != 2 {
		t.Fatalf("an unreadable date replayed: %d calls", n)
	}
	r.onMain(func() { r.Win.Canvas().Overlays().Remove(r.Win.Canvas().Overlays().Top()) })

	replay(rangeSince, "2026-03-09 14:00")
	r.eventually("since a date replayed", func() bool { return strings.Contains(status(), "since 9 Mar 14:00: 3 forwards") })
	got := ranges()
	want := []time.Time{now.Add(-time.Hour), time.Date(2026, 3, 10, 0, 0, 0, 0, time.Local), time.Date(2026, 3, 9, 14, 0, 0, 0, time.Local)}
	if len(got) != len(want) {
		t.Fatalf("ranges %v", got)
	}
	for i, w := range want {
		if !got[i][0].Equal(w) || !got[i][1].IsZero() {
			t.Errorf("replay %d: since %v until %v, want since %v up to now", i, got[i][0], got[i][1], w)
		}
	}
	replay(rangeSince, "2026-03-11")
	r.onMain(func() {
		if !strings.Contains(v.rangeForm.Problem.Text, "in the future") {
			t.Errorf("a future date: %q", v.rangeForm.Problem.Text)
		}
	})
}

// buttonIn finds the button labelled text in o's tree.
func buttonIn(o fyne.CanvasObject, text string) *widget.Button {
	switch o := o.(type) {
	case *widget.Button:
		if o.Text == text {
			return o
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			if b := buttonIn(c, text); b != nil {
				return b
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			if b := buttonIn(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}
