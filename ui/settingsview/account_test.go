package settingsview

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs/settings"
)

// The account settings and forward targets are saved through the settings
// service (so they apply live), and bad values are refused with a reason.
func TestSettingsAccountAndForwardTargets(t *testing.T) {
	r := newRig(t, nil)
	v := r.v
	changed := r.recordSaves()
	r.onMain(func() {
		if v.MonitorAccount.Checked || v.AccountNotify.Selected != "Failures only" || v.Budget.Text != "" || len(v.Forward.Targets()) != 0 {
			t.Fatalf("fresh install shows monitor=%v rule=%q budget=%q targets=%v",
				v.MonitorAccount.Checked, v.AccountNotify.Selected, v.Budget.Text, v.Forward.Targets())
		}
		v.MonitorAccount.SetChecked(true)
		v.AccountNotify.SetSelected("All")

		// --forward's rule: an http(s) URL with a host.
		test.Type(v.Forward.URL, "ftp://localhost/hook")
		test.Tap(v.Forward.Add)
		if !v.Forward.Problem.Visible() || !strings.Contains(v.Forward.Problem.Text, "http:// or https://") || len(v.Forward.Targets()) != 0 {
			t.Fatalf("ftp target: problem %q, targets %v", v.Forward.Problem.Text, v.Forward.Targets())
		}
		v.Forward.URL.SetText("http://localhost:3000/webhooks")
		test.Tap(v.Forward.Add)
		v.Forward.URL.SetText("http://127.0.0.1:9000/old")
		test.Tap(v.Forward.Add)
		v.Forward.URL.SetText("http://localhost:3000/webhooks") // listed once
		test.Tap(v.Forward.Add)
		if v.Forward.Problem.Visible() || v.Forward.URL.Text != "" {
			t.Fatalf("good target refused: %q", v.Forward.Problem.Text)
		}
		test.Tap(v.Forward.RemoveButton("http://127.0.0.1:9000/old"))
		// Typed but not added: Save adds it.
		v.Forward.URL.SetText("https://hooks.example.com/reducto")

		v.Budget.SetText("-5")
		test.Tap(v.Save)
		if !v.Problem.Visible() || !strings.Contains(v.Problem.Text, "negative") {
			t.Fatalf("negative budget: problem %q", v.Problem.Text)
		}
		v.Budget.SetText("lots")
		test.Tap(v.Save)
		if !v.Problem.Visible() || !strings.Contains(v.Problem.Text, "monthly budget") {
			t.Fatalf("budget %q: problem %q", "lots", v.Problem.Text)
		}
		v.Budget.SetText("250.5")
		test.Tap(v.Save)
	})
	r.eventually("the save", func() bool { return !v.Save.Disabled() && !v.Problem.Visible() && len(changed.All()) > 0 })
	s, err := settings.Load(r.home)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"http://localhost:3000/webhooks", "https://hooks.example.com/reducto"}
	if !s.MonitorAccount || s.AccountNotifications != settings.NotifyAll || s.MonthlyBudget != 250.5 || !slices.Equal(s.ForwardTargets, want) {
		t.Fatalf("saved monitor=%v rule=%q budget=%v targets=%v", s.MonitorAccount, s.AccountNotifications, s.MonthlyBudget, s.ForwardTargets)
	}
	// Published to the subscribers, which apply it live (jobs/core/apply.go).
	if e := changed.All(); !e[len(e)-1].MonitorAccount || e[len(e)-1].MonthlyBudget != 250.5 {
		t.Fatalf("published %+v", e[len(e)-1])
	}

	// Emptying the budget and choosing None saves "no budget" and "off".
	r.onMain(func() {
		v.Budget.SetText(" ")
		v.AccountNotify.SetSelected("None")
		test.Tap(v.Forward.RemoveButton("https://hooks.example.com/reducto"))
		test.Tap(v.Save)
	})
	r.eventually("the second save", func() bool { return len(changed.All()) > 1 && !v.Save.Disabled() })
	if s, err = settings.Load(r.home); err != nil {
		t.Fatal(err)
	}
	if s.MonthlyBudget != 0 || s.AccountNotifications != settings.NotifyOff || !slices.Equal(s.ForwardTargets, want[:1]) {
		t.Fatalf("second save: budget=%v rule=%q targets=%v", s.MonthlyBudget, s.AccountNotifications, s.ForwardTargets)
	}
}

// Saved values show in the form when it opens.
func TestSettingsAccountShowsSaved(t *testing.T) {
	r := newRig(t, func(r *rig) {
		if _, err := r.svc.Update(func(s *settings.Settings) {
			s.MonitorAccount, s.AccountNotifications, s.MonthlyBudget = true, settings.NotifyOff, 1200
			s.ForwardTargets = []string{"http://localhost:8080/in"}
		}); err != nil {
			t.Fatal(err)
		}
	})
	v := r.v
	r.onMain(func() {
		if !v.MonitorAccount.Checked || v.AccountNotify.Selected != "None" || v.Budget.Text != "1200" ||
			!slices.Equal(v.Forward.Targets(), []string{"http://localhost:8080/in"}) || v.Forward.RemoveButton("http://localhost:8080/in") == nil {
			t.Fatalf("form shows monitor=%v rule=%q budget=%q targets=%v",
				v.MonitorAccount.Checked, v.AccountNotify.Selected, v.Budget.Text, v.Forward.Targets())
		}
	})
}
