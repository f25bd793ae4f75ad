package settingsview

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs/settings"
)

// How long account jobs are kept shows its default, refuses what the
// settings would refuse with the reason, and saves a good value.
func TestSettingsAccountRetention(t *testing.T) {
	r := newRig(t, nil)
	v := r.v
	changed := r.recordSaves()
	r.onMain(func() {
		if v.AccountKeep.Text != "90" {
			t.Fatalf("fresh install keeps account jobs %q days, want 90", v.AccountKeep.Text)
		}
		for text, want := range map[string]string{"0": "between 1 and 3650", "a year": "whole number of days", "5000": "between 1 and 3650"} {
			v.AccountKeep.SetText(text)
			test.Tap(v.Save)
			if !v.Problem.Visible() || !strings.Contains(v.Problem.Text, want) {
				t.Fatalf("%q days: problem %q, want it to say %q", text, v.Problem.Text, want)
			}
		}
		v.AccountKeep.SetText(" 30 ")
		test.Tap(v.Save)
	})
	r.eventually("the save", func() bool { return !v.Save.Disabled() && !v.Problem.Visible() && len(changed.All()) > 0 })
	s, err := settings.Load(r.home)
	if err != nil {
		t.Fatal(err)
	}
	if s.AccountRetentionDays != 30 {
		t.Fatalf("saved %d days, want 30", s.AccountRetentionDays)
	}
}
