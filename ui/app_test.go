package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

func TestDropSubmitsEachFile(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	paths := r.files("a.pdf", "b.docx", "c.png")
	r.onMain(func() { r.u.Dropped(fyne.NewPos(10, 10), uris(paths)) })
	r.eventually("three jobs in the store", func() bool { return r.count(jobs.Query{}) == 3 })
	r.eventually("three rows in the list", func() bool { return r.u.list.List.Length() == 3 })
	js, err := r.engine.List(t.Context(), jobs.Query{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, j := range js {
		got[j.File] = true
		if j.Kind != jobs.KindParse {
			t.Errorf("%s kind = %s, want the default parse", j.File, j.Kind)
		}
	}
	for _, p := range paths {
		if !got[p] {
			t.Errorf("no job for %s", p)
		}
	}
}

func TestDroppedFolderIsWalkedAndMissingSkipped(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.files("x.pdf", ".hidden.pdf", "notes.bin")
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris([]string{r.dir, r.dir + "/missing.pdf"})) })
	r.eventually("one job from the folder", func() bool { return r.count(jobs.Query{}) == 1 })
	r.eventually("the queued job and the skip reported together", func() bool {
		return strings.Contains(r.u.status.Text, "Queued 1") && strings.Contains(r.u.status.Text, "missing.pdf")
	})
}

func TestInvalidMetadataBlocksSubmit(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	f := r.u.submit
	r.onMain(func() { f.stage(r.files("a.pdf")) })
	r.onMain(func() {
		if f.SubmitButton.Disabled() {
			t.Fatal("submit disabled with valid options and a file waiting")
		}
		test.Type(f.Metadata, `{"project": `)
		if !f.Problem.Visible() || !strings.Contains(f.Problem.Text, "metadata") {
			t.Fatalf("problem = %q (visible %v), want a metadata message", f.Problem.Text, f.Problem.Visible())
		}
		if !f.SubmitButton.Disabled() {
			t.Fatal("submit enabled with invalid metadata")
		}
		test.Tap(f.SubmitButton)
	})
	// A drop with invalid options waits in the panel instead of submitting.
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("b.pdf"))) })
	r.eventually("the dropped file staged", func() bool { return len(f.files) == 2 })
	if n := r.count(jobs.Query{}); n != 0 {
		t.Fatalf("%d jobs submitted with invalid metadata", n)
	}
	r.onMain(func() {
		test.Type(f.Metadata, `"q3"}`)
		if f.SubmitButton.Disabled() || f.Problem.Visible() {
			t.Fatalf("still blocked after fixing: %q", f.Problem.Text)
		}
		test.Tap(f.SubmitButton)
	})
	r.eventually("two jobs", func() bool { return r.count(jobs.Query{}) == 2 })
	js, _ := r.engine.List(t.Context(), jobs.Query{})
	if string(js[0].Options.Metadata) != `{"project":"q3"}` {
		t.Fatalf("metadata = %s", js[0].Options.Metadata)
	}
}

func TestInvalidSchemaBlocksSubmit(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	f := r.u.submit
	r.onMain(func() {
		f.stage(r.files("invoice.pdf"))
		f.Kind.SetSelected(string(jobs.KindExtract))
		if !f.SubmitButton.Disabled() || !strings.Contains(f.Problem.Text, "schema") {
			t.Fatalf("extract without schema: problem %q", f.Problem.Text)
		}
		extractOf(f).Schema.SetText(`{"type": "object", "properties": {"total": {"type": "money"}}}`)
		if !f.SubmitButton.Disabled() || !strings.Contains(f.Problem.Text, `unknown type "money"`) {
			t.Fatalf("bad schema: problem %q", f.Problem.Text)
		}
		extractOf(f).Schema.SetText(`{"type": "object", "properties": {"total": {"type": "number"}}}`)
		if f.SubmitButton.Disabled() {
			t.Fatalf("valid schema still blocked: %q", f.Problem.Text)
		}
		test.Tap(f.SubmitButton)
	})
	r.eventually("an extract job", func() bool { return r.count(jobs.Query{Kind: jobs.KindExtract}) == 1 })
}

func TestListFollowsEngineEvents(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("report.pdf"))) })
	r.eventually("the row to show completed", func() bool {
		row := r.u.list.rowAt(0)
		return row != nil && strings.Contains(row.Text(), "report.pdf") && strings.Contains(row.Text(), "completed")
	})
	// Selecting it shows the rendered result.
	r.onMain(func() { r.u.list.List.Select(0) })
	r.eventually("the detail to show the result", func() bool {
		return r.u.detail.shown && r.u.detail.job.Status == jobs.StatusCompleted && len(r.u.detail.Result.Segments) > 0 &&
			!r.u.detail.Export.Disabled()
	})
}

func TestSearchFiltersTheList(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("invoice-1.pdf", "receipt.pdf", "invoice-2.pdf"))) })
	r.eventually("three rows", func() bool { return r.u.list.List.Length() == 3 })
	r.onMain(func() { test.Type(r.u.list.Search, "invoice") })
	r.eventually("two invoice rows", func() bool {
		if r.u.list.List.Length() != 2 {
			return false
		}
		for i := 0; i < 2; i++ {
			if row := r.u.list.rowAt(i); row == nil || !strings.Contains(row.Text(), "invoice") {
				return false
			}
		}
		return true
	})
	r.onMain(func() { r.u.list.Search.SetText("") })
	r.eventually("all rows back", func() bool { return r.u.list.List.Length() == 3 })
}

func TestSettingsPersist(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	v := r.u.prefs
	const key = "rk_live_0123456789abcdef"
	changed := r.recordSaves()
	r.onMain(func() {
		v.Region.SetSelected("EU")
		v.Webhook.SetSelected(string(jobs.WebhookSvix))
		v.Channels.SetText("prod, eu")
		v.Notifications.SetSelected("Failures only")
		v.Concurrency.SetText("8")
		v.StartAtLogin.SetChecked(true)
		test.Type(v.APIKey, key)
		test.Type(v.WebhookSecret, "not-a-secret")
		test.Tap(v.Save)
		if !v.Problem.Visible() || !strings.Contains(v.Problem.Text, "whsec_") {
			t.Fatalf("bad Svix secret accepted: %q", v.Problem.Text)
		}
		v.WebhookSecret.SetText("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
		test.Tap(v.Save)
	})
	r.eventually("the save to finish", func() bool { return v.APIKey.Text == "" && !v.Save.Disabled() })
	s, err := settings.Load(r.home)
	if err != nil {
		t.Fatal(err)
	}
	if s.Region != settings.RegionEU || s.Defaults.Webhook != jobs.WebhookSvix || strings.Join(s.Defaults.Channels, ",") != "prod,eu" ||
		s.Notifications != settings.NotifyFailures || s.UploadConcurrency != 8 || !s.StartAtLogin {
		t.Fatalf("saved settings = %+v", s)
	}
	got, err := r.svc.Secret(settings.SecretAPIKey)
	if err != nil || got != key {
		t.Fatalf("stored key = %q, %v", got, err)
	}
	r.onMain(func() {
		if v.APIKey.Text != "" {
			t.Fatal("the key stays in the entry after saving")
		}
		if all := changed.All(); all[len(all)-1].UploadConcurrency != 8 {
			t.Fatalf("published settings = %+v", all)
		}
		// The submit panel follows the new default webhook.
		if r.u.submit.Webhook.Selected != string(jobs.WebhookSvix) {
			t.Fatalf("submit webhook = %q", r.u.submit.Webhook.Selected)
		}
	})
	t.Setenv("REDUCTO_API_KEY", "")
	r.onMain(v.ReloadSecrets)
	r.eventually("the masked key", func() bool { return v.APIKeyShown.Text == "stored: "+settings.Mask(key) })
	if strings.Contains(v.APIKeyShown.Text, key) {
		t.Fatal("the full key is shown")
	}
}

func TestTrayMenuActions(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	item := func(label string) *fyne.MenuItem {
		for _, it := range r.u.TrayMenu().Items {
			if it.Label == label {
				return it
			}
		}
		t.Fatalf("no tray item %q", label)
		return nil
	}
	before := time.Now()
	r.onMain(func() {
		pause := item("Pause notifications")
		var thirty *fyne.MenuItem
		for _, it := range pause.ChildMenu.Items {
			if it.Label == "30 minutes" {
				thirty = it
			}
		}
		thirty.Action()
	})
	r.notify.mu.Lock()
	if len(r.notify.until) != 1 || r.notify.until[0].Sub(before) < 29*time.Minute || r.notify.until[0].Sub(before) > 31*time.Minute {
		t.Fatalf("PauseUntil calls = %v", r.notify.until)
	}
	r.notify.mu.Unlock()
	r.onMain(func() {
		if r.u.TrayState() != TrayPaused {
			t.Fatalf("tray state = %v, want paused", r.u.TrayState())
		}
		item("Resume notifications").Action()
		if r.u.TrayState() == TrayPaused {
			t.Fatal("still paused after resume")
		}
	})

	paths := r.files("1.pdf", "2.pdf", "3.pdf", "4.pdf", "5.pdf", "6.pdf", "7.pdf")
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(paths)) })
	r.eventually("seven jobs", func() bool { return r.count(jobs.Query{}) == 7 })
	r.eventually("five recent jobs, the newest first", func() bool {
		n := 0
		for _, it := range r.u.TrayMenu().Items {
			if strings.Contains(it.Label, ".pdf — ") {
				n++
			}
		}
		return n == recentJobs && len(r.u.tray.recent) == recentJobs && r.u.tray.recent[0].ID == 7
	})
	r.onMain(func() {
		for _, it := range r.u.TrayMenu().Items {
			if strings.HasPrefix(it.Label, "7.pdf") {
				it.Action()
			}
		}
	})
	r.eventually("the detail of the clicked job", func() bool { return r.u.detail.shown && r.u.detail.job.ID == 7 })

	r.notify.mu.Lock()
	r.notify.err = errTest
	r.notify.mu.Unlock()
	r.u.SetNotifyHealth(errTest)
	r.eventually("attention", func() bool { return r.u.TrayState() == TrayAttention })
}

var errTest = &testError{}

type testError struct{}

func (*testError) Error() string { return "notifications: no server" }

func TestStatusFilterDropsJobsThatLeaveIt(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.onMain(func() { r.u.list.Filter.SetSelected("Active") })
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("scan.pdf"))) })
	// Queued, the job joins the Active list through its event; completed,
	// it must leave it.
	r.eventually("the job completed and gone from the Active list", func() bool {
		return r.count(jobs.Query{Statuses: []jobs.Status{jobs.StatusCompleted}}) == 1 && r.u.list.List.Length() == 0
	})
	r.onMain(func() { r.u.list.Filter.SetSelected("Completed") })
	r.eventually("the job in the Completed list", func() bool {
		row := r.u.list.rowAt(0)
		return r.u.list.List.Length() == 1 && row != nil && strings.Contains(row.Text(), "scan.pdf")
	})
}

func TestSelectionFollowsItsJobWhenNewJobsArrive(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	first := r.files("first.pdf")
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(first)) })
	r.eventually("one row", func() bool { return r.u.list.List.Length() == 1 })
	r.onMain(func() { r.u.list.List.Select(0) })
	r.eventually("first.pdf selected", func() bool { return r.u.list.selected != 0 })
	selected := r.u.list.selected
	more := r.files("second.pdf", "third.pdf")
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(more)) })
	r.eventually("three rows, the selection moved down with its job", func() bool {
		if r.u.list.List.Length() != 3 {
			return false
		}
		j, ok, _ := r.u.list.pager.Row(r.u.list.selIndex)
		return r.u.list.selected == selected && ok && j.ID == selected && r.u.list.selIndex == 2
	})
}
