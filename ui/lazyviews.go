package ui

import (
	"slices"

	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/jobs/presets"
	"github.com/reductotray/reducto-tray/ui/webhooksview"
)

// The Submit, Settings, Webhooks and Account tabs are built the first time
// they are needed (their tab opened, or an action that uses them), not in
// New: an app idling in the tray with only the Jobs tab ever seen then never
// lays out their monospace and bold text, each style of which parses whole
// font sets (issue 19, docs/benchmarks.md). Until a view is built, the state
// it shows lives in App (settings, defaults, preset names, folder statuses)
// and the view reads it when built; code that pushes news to a view skips
// one that does not exist yet. All getters: main goroutine.

// submitForm is the Submit tab's form, built on first use.
func (u *App) submitForm() *SubmitForm {
	if u.submit == nil {
		u.submit = newSubmitForm(u)
		if len(u.presetNames) > 0 { // none: the picker already offers only "no preset"
			u.submit.setPresetNames(u.presetNames)
		}
	}
	return u.submit
}

// settingsView is the Settings tab, built on first use.
func (u *App) settingsView() *settingsTab {
	if u.prefs == nil {
		u.prefs = newSettingsView(u)
		u.prefs.folders.setPresetNames(u.presetNames) // and shows the folders
	}
	return u.prefs
}

// webhooksView is the Webhooks tab, built on first use.
func (u *App) webhooksView() *webhooksview.View {
	if u.webhooks == nil {
		u.webhooks = newWebhooksView(u)
	}
	return u.webhooks
}

// accountView is the Account tab, built on first use.
func (u *App) accountView() *AccountView {
	if u.account == nil {
		u.account = newAccountView(u)
	}
	return u.account
}

// lazyTabs are the tabs whose content is built when first selected, by
// their title.
func (u *App) lazyTabs() map[string]func() fyne.CanvasObject {
	return map[string]func() fyne.CanvasObject{
		"Submit":   func() fyne.CanvasObject { return u.submitForm().Object() },
		"Settings": func() fyne.CanvasObject { return u.settingsView().Object() },
		"Webhooks": func() fyne.CanvasObject { return u.webhooksView().Object() },
		"Account":  func() fyne.CanvasObject { return u.accountView().Object() },
	}
}

// submitPanelState is what the Submit panel's options say a drop does: its
// kind, its preset ("" none), and its preset picker's choices and choice.
type submitPanelState struct {
	kind, preset string
	options      []string
	selected     string
}

// submitState is the Submit panel's state, or, while it is not built, what
// it would show once built: u.defaults and the preset names, as
// newSubmitForm's fill and setPresetNames would leave them. Main goroutine.
func (u *App) submitState() submitPanelState {
	if f := u.submit; f != nil {
		return submitPanelState{kind: f.Kind.Selected, preset: f.preset,
			options: slices.Clone(f.Preset.Options), selected: f.Preset.Selected}
	}
	st := submitPanelState{kind: string(fromOptions(presets.ToForm(u.defaults)).Kind), preset: u.defaults.Preset,
		options: presetNames(u.presetNames), selected: u.defaults.Preset}
	switch {
	case st.preset == "":
		st.selected = noPreset
	case len(u.presetNames) == 0:
		st.options = append(st.options, st.preset) // showPreset adds it
	case !slices.Contains(u.presetNames, st.preset):
		st.selected = noPreset
	}
	return st
}
