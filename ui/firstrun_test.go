package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

func TestFirstRunSandboxChoiceIsSavedAndShown(t *testing.T) {
	r := newRigWithKey(t, reductotest.Config{}, "")
	r.eventually("the first-run prompt", func() bool { return r.u.firstRun != nil })
	saved := r.recordSaves()
	r.onMain(func() {
		if r.u.banner.Visible() {
			t.Fatal("sandbox banner shown before choosing the sandbox")
		}
		test.Tap(r.u.firstRun.sandbox)
		if !r.u.banner.Visible() {
			t.Fatal("no sandbox banner after choosing the sandbox")
		}
		if got := saved.All(); len(got) != 1 || !got[0].Sandbox {
			t.Fatalf("published settings = %+v", got)
		}
	})
	s, err := settings.Load(r.home)
	if err != nil || !s.Sandbox {
		t.Fatalf("saved sandbox = %v, %v", s.Sandbox, err)
	}
}

func TestFirstRunKeyIsStored(t *testing.T) {
	r := newRigWithKey(t, reductotest.Config{}, "")
	r.eventually("the first-run prompt", func() bool { return r.u.firstRun != nil })
	r.onMain(func() {
		test.Type(r.u.firstRun.key, "rk_first_run_key_123")
		test.Tap(r.u.firstRun.useKey)
	})
	r.eventually("the key stored and shown masked", func() bool {
		return r.u.prefs.APIKeyShown.Text == "stored: "+settings.Mask("rk_first_run_key_123")
	})
}
