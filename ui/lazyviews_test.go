package ui

import (
	"slices"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// TestOtherTabsBuiltWhenFirstOpened checks issue 19's lazy tabs: New leaves
// Submit, Settings, Webhooks and Account unbuilt (their text would parse
// font sets an idle app has no use for); each is built when its tab is
// opened or an action needs it, and shows the state that arrived meanwhile.
func TestOtherTabsBuiltWhenFirstOpened(t *testing.T) {
	p := newFakePresets(map[string]jobs.Options{"invoices": invoicesPreset(), "tables": tablesPreset()})
	r := newRigWith(t, reductotest.Config{}, func(r *rig, cfg *Config) {
		r.lazy = true
		cfg.Presets = p
		cfg.RelayStatus = func() (string, string) { return "connected", "https://relay.example/in/abc" }
	})
	// The preset names arrive in the background, before Submit exists: the
	// picker under the job list offers them all the same.
	r.eventually("the preset names under the list", func() bool {
		return len(r.u.list.DropPreset.Options) == 1+len(p.presets)
	})
	var dropText string
	var dropOptions []string
	r.onMain(func() {
		if r.u.submit != nil || r.u.prefs != nil || r.u.webhooks != nil || r.u.account != nil {
			t.Fatalf("built at start: submit %v, settings %v, webhooks %v, account %v",
				r.u.submit != nil, r.u.prefs != nil, r.u.webhooks != nil, r.u.account != nil)
		}
		dropText, dropOptions = r.u.list.Drop.Text, slices.Clone(r.u.list.DropPreset.Options)
		if !strings.HasPrefix(dropText, "Drop documents here: parse with") {
			t.Fatalf("drop line before Submit is built = %q", dropText)
		}
	})
	r.u.SetRelayStatus("connected", "https://relay.example/in/abc") // nothing to show it in yet
	r.onMain(func() {
		r.u.tabs.SelectIndex(1)
		if r.u.submit == nil || r.u.tabs.Items[1].Content != r.u.submit.Object() {
			t.Fatal("opening Submit did not build it into its tab")
		}
		// Built later, the panel says what the line under the list said.
		if got := r.u.list.Drop.Text; got != dropText {
			t.Fatalf("drop line after Submit is built = %q, before %q", got, dropText)
		}
		if got := r.u.submit.Preset.Options; !slices.Equal(got, dropOptions) {
			t.Fatalf("Submit's presets = %q, the list offered %q", got, dropOptions)
		}
		r.u.ShowFolderSettings() // the tray's "Folder settings…"
		if r.u.prefs == nil || r.u.tabs.Items[2].Content != r.u.prefs.Object() || r.u.tabs.Selected() != r.u.tabs.Items[2] {
			t.Fatal("Folder settings did not build and open Settings")
		}
		if got := r.u.prefs.RelayURL.Text; !strings.Contains(got, "https://relay.example/in/abc") {
			t.Fatalf("relay line of a Settings built later = %q", got)
		}
		r.u.ShowWebhooks()
		r.u.tabs.SelectIndex(4)
		if r.u.webhooks == nil || r.u.tabs.Items[3].Content != r.u.webhooks.Object() {
			t.Fatal("opening Webhooks did not build it into its tab")
		}
		if r.u.account == nil || r.u.tabs.Items[4].Content != r.u.account.Object() {
			t.Fatal("opening Account did not build it into its tab")
		}
		built := r.u.submit
		r.u.tabs.SelectIndex(1)
		if r.u.submit != built {
			t.Fatal("Submit was built twice")
		}
	})
}
