package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
)

// failingSender is a fallback that cannot show anything either.
type failingSender struct{}

func (failingSender) Send(string, string) error { return errors.New("no notify-send either") }

func TestDesktopSenderFallsBackWhileTheServerErrs(t *testing.T) {
	d := fakedesktop.Shared(t)
	d.SetNotifyFail(true)
	rec := &scriptedSender{}
	s := &DesktopSender{Fallback: plainSender{rec}}
	t.Cleanup(func() { _ = s.Close() })

	id, err := s.Replace(0, "a.pdf completed", "a.pdf: parse completed")
	if err != nil || id != 0 {
		t.Fatalf("Replace = %d, %v; want 0 (not replaceable), nil", id, err)
	}
	if len(rec.calls) != 1 || rec.calls[0].title != "a.pdf completed" {
		t.Fatalf("fallback calls %+v, want the notification", rec.calls)
	}
	if s.Degraded() == nil {
		t.Error("Degraded() = nil while D-Bus fails")
	}

	d.SetNotifyFail(false)
	id, err = s.Replace(0, "b.pdf completed", "b")
	if err != nil || id == 0 {
		t.Fatalf("Replace = %d, %v; want an id over D-Bus", id, err)
	}
	if s.Degraded() != nil {
		t.Errorf("Degraded() = %v after D-Bus worked again", s.Degraded())
	}
	got := d.Notifications()
	if len(got) != 1 || got[0].AppName != "Reducto Tray" || got[0].ID != id {
		t.Errorf("server saw %+v, want one notification from Reducto Tray with id %d", got, id)
	}
	if len(rec.calls) != 1 {
		t.Errorf("fallback used again: %+v", rec.calls)
	}
}

func TestDesktopSenderWithoutSessionBusUsesTheFallback(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	rec := &scriptedSender{}
	s := &DesktopSender{Fallback: plainSender{rec}}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Send("a.pdf completed", "a"); err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 1 {
		t.Fatalf("fallback calls %+v, want 1", rec.calls)
	}
	if err := s.Degraded(); err == nil || !strings.Contains(err.Error(), "session bus") {
		t.Errorf("Degraded() = %v, want the missing session bus", err)
	}
}

func TestNotifierReportsHealthWhenEveryPathFails(t *testing.T) {
	d := fakedesktop.Shared(t)
	d.SetNotifyFail(true)
	health := make(chan error, 10)
	s := &DesktopSender{Fallback: failingSender{}}
	t.Cleanup(func() { _ = s.Close() })
	n := New(Config{Sender: s, OnHealth: func(err error) { health <- err }})
	events := make(chan jobs.Event, 1)
	events <- outcomeEvent(1, "/d/a.pdf", jobs.StatusCompleted, "")
	close(events)
	n.Run(context.Background(), events) // returns once the call is answered
	select {
	case err := <-health:
		if err == nil || !strings.Contains(err.Error(), "notify-send") || !strings.Contains(err.Error(), "d-bus") {
			t.Errorf("health %v, want both the D-Bus and the fallback failure", err)
		}
	case <-time.After(wait):
		t.Fatal("no health report")
	}
	if n.LastError() == nil {
		t.Error("LastError() = nil")
	}
}
