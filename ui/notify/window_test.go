package notify

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// call is one Send, Replace or Dismiss a scriptedSender saw; a Dismiss
// has the title "(dismissed)".
type call struct {
	replaces uint32
	title    string
}

// dismissed is the title of a Dismiss call.
const dismissed = "(dismissed)"

// scriptedSender records calls and answers at once; as a Replacer it hands
// out ids like a notification server, or 0 (a fallback) when noReplace.
type scriptedSender struct {
	mu        sync.Mutex
	calls     []call
	next      uint32
	noReplace bool
	// fallbackAfter, when set, makes Replace calls after that many answer
	// 0 (the D-Bus fallback kicking in).
	fallbackAfter int
}

func (s *scriptedSender) Send(title, _ string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call{title: title})
	return nil
}

func (s *scriptedSender) Replace(id uint32, title, _ string) (uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call{replaces: id, title: title})
	if s.noReplace || (s.fallbackAfter > 0 && len(s.calls) > s.fallbackAfter) {
		return 0, nil
	}
	if id == 0 {
		s.next++
		id = s.next
	}
	return id, nil
}

func (s *scriptedSender) Dismiss(id uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call{replaces: id, title: dismissed})
	return nil
}

// plainSender hides Replace: a sender like beeep.
type plainSender struct{ s *scriptedSender }

func (p plainSender) Send(title, body string) error { return p.s.Send(title, body) }

// clockRun drives a runner with synthetic arrival times: no bus, no timers.
// Every call is answered before the next event, as a fast server would.
type clockRun struct {
	t  *testing.T
	r  *runner
	s  *scriptedSender
	t0 time.Time
}

func newClockRun(t *testing.T, sender Sender, s *scriptedSender) *clockRun {
	n := New(Config{BurstWindow: 2 * time.Second, Sender: sender})
	return &clockRun{t: t, r: newRunner(n), s: s, t0: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)}
}

// at delivers job id's completion at sec seconds, closing the open group
// first if its time has come (what the close timer does in Run).
func (c *clockRun) at(sec float64, id int64) {
	now := c.t0.Add(time.Duration(sec * float64(time.Second)))
	c.advance(now)
	c.r.accept(outcomeEvent(id, fmt.Sprintf("/d/f%d.pdf", id), jobs.StatusCompleted, ""), now)
	c.settle()
}

func (c *clockRun) advance(now time.Time) {
	if c.r.cur != nil && len(c.r.cur.held) > 0 && !now.Before(c.r.cur.closesAt(c.r.n.cfg.BurstWindow, c.r.replacer == nil)) {
		c.r.closeGroup()
	}
	c.settle()
}

func (c *clockRun) settle() {
	for c.r.kick(); c.r.busy(); c.r.kick() {
		c.r.finished(<-c.r.done)
	}
}

func (c *clockRun) want(calls ...call) {
	c.t.Helper()
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if !reflect.DeepEqual(c.s.calls, calls) {
		c.t.Fatalf("calls\n%+v\nwant\n%+v", c.s.calls, calls)
	}
	c.s.calls = nil
}

func TestReplacerShowsAtOnceAndUpdatesInPlace(t *testing.T) {
	s := &scriptedSender{}
	c := newClockRun(t, s, s)
	c.at(0, 1)
	c.want(call{0, "f1.pdf completed"})
	// One or two outcomes: each its own notification.
	c.at(0.5, 2)
	c.want(call{0, "f2.pdf completed"})
	// The third within the window makes a burst: the latest notification
	// becomes the summary in place, the other leaves the screen.
	c.at(1.0, 3)
	c.want(call{2, "3 documents completed"}, call{1, dismissed})
	c.at(1.5, 5)
	c.want(call{2, "4 documents completed"})
	// A quiet window closes the group: the next outcome is a new notification.
	c.at(3.6, 4)
	c.want(call{0, "f4.pdf completed"})
}

func TestReplacerSteadyStreamStaysOneNotification(t *testing.T) {
	s := &scriptedSender{}
	c := newClockRun(t, s, s)
	for i := 0; i < 40; i++ { // one every 0.5 s for 20 s: never a quiet window
		c.at(float64(i)*0.5, int64(i+1))
	}
	var onScreen int
	for _, cl := range s.calls {
		switch {
		case cl.title == dismissed:
			onScreen--
		case cl.replaces == 0:
			onScreen++
		}
	}
	// A large drop finishing over 20 s is one summary, updated in place.
	if onScreen != 1 {
		t.Errorf("%d notifications left for a 20 s stream, want 1: %+v", onScreen, s.calls)
	}
	if last := s.calls[len(s.calls)-1]; last.title != "40 documents completed" {
		t.Errorf("the last update says %q, want all 40", last.title)
	}
}

func TestPlainSenderShowsTwoAtOnceThenOneSummary(t *testing.T) {
	s := &scriptedSender{}
	c := newClockRun(t, plainSender{s}, s)
	c.at(0, 1)
	c.at(0.1, 2)
	c.want(call{title: "f1.pdf completed"}, call{title: "f2.pdf completed"})
	for i := int64(3); i <= 12; i++ {
		c.at(0.1*float64(i), i)
	}
	c.want() // a burst: held for the summary
	c.advance(c.t0.Add(4 * time.Second))
	c.want(call{title: "10 documents completed"})
}

func TestFallbackMidBurstIsNotLost(t *testing.T) {
	s := &scriptedSender{noReplace: true}
	c := newClockRun(t, s, s)
	for i := int64(1); i <= 5; i++ {
		c.at(0.1*float64(i), i)
	}
	c.advance(c.t0.Add(5 * time.Second))
	c.want(call{0, "f1.pdf completed"}, call{title: "f2.pdf completed"}, call{title: "3 documents completed"})
}

func TestReplacerTwoOutcomesAreTwoNotifications(t *testing.T) {
	s := &scriptedSender{}
	c := newClockRun(t, s, s)
	c.at(0, 1)
	c.at(0.5, 2)
	c.want(call{0, "f1.pdf completed"}, call{0, "f2.pdf completed"})
	// The window passes: the pair stays two notifications.
	c.advance(c.t0.Add(5 * time.Second))
	c.want()
}

func TestReplacerBurstNeedsThreeWithinTheWindow(t *testing.T) {
	s := &scriptedSender{}
	c := newClockRun(t, s, s)
	// 1.5 s apart: never three within 2 s, so each is its own.
	c.at(0, 1)
	c.at(1.5, 2)
	c.at(3.0, 3)
	c.want(call{0, "f1.pdf completed"}, call{0, "f2.pdf completed"}, call{0, "f3.pdf completed"})
	// The fourth has f2 and f3 within the window: those three are the
	// burst; f1, older, stays as it is.
	c.at(3.2, 4)
	c.want(call{3, "3 documents completed"}, call{2, dismissed})
}

// A summary that goes out through the fallback (no id: it cannot be updated
// or closed) leaves the notifications it took over on screen, so nothing is
// lost, and the burst goes on as a plain Sender's.
func TestReplacerSummaryThroughTheFallbackClosesNothing(t *testing.T) {
	s := &scriptedSender{fallbackAfter: 2}
	c := newClockRun(t, s, s)
	c.at(0, 1)
	c.at(0.5, 2)
	c.at(1.0, 3)
	c.want(call{0, "f1.pdf completed"}, call{0, "f2.pdf completed"}, call{2, "3 documents completed"})
	c.at(1.2, 4)
	c.want()
	c.advance(c.t0.Add(5 * time.Second))
	c.want(call{0, "f4.pdf completed"})
}
