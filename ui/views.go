package ui

// ShowSubmit selects the submit panel showing preset name ("" keeps the
// panel's). Main goroutine.
func (u *App) ShowSubmit(preset string) {
	u.tabs.SelectIndex(1)
	if preset != "" {
		u.submitForm().Preset.SetSelected(preset)
	}
}

// ShowFolderSettings selects Settings' "Watched folders". Main goroutine.
func (u *App) ShowFolderSettings() {
	u.tabs.SelectIndex(2)
	u.settingsView().ShowFolders()
}

// ShowJob selects the job list and shows job id in the detail. Main
// goroutine.
func (u *App) ShowJob(id int64) {
	u.tabs.SelectIndex(0)
	u.detail.Show(id)
}

// ShowJobTab selects the job list, shows job id in the detail and selects
// the detail's tab (0 Result, 1 JSON, 2 Details): the screenshot program
// uses it. Main goroutine.
func (u *App) ShowJobTab(id int64, tab int) {
	u.ShowJob(id)
	u.detail.tabs.SelectIndex(tab)
}
