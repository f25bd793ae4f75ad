package ui

import "github.com/reductotray/reducto-tray/ui/settingsview"

// settingsTab is the Settings tab with the watched folders' list it shows,
// which stays in ui (it drives the folders through App).
type settingsTab struct {
	*settingsview.View
	folders *FolderList
}

// newSettingsView builds the Settings tab over the app.
func newSettingsView(u *App) *settingsTab {
	t := &settingsTab{folders: newFolderList(u)}
	t.View = settingsview.New(viewHost{u}, settingsview.Config{
		Settings:    u.cfg.Settings,
		RelayStatus: u.cfg.RelayStatus,
		Executable:  u.cfg.Executable,
		AppID:       AppID,
		Folders:     folderTab{t.folders},
	})
	return t
}

// Folders is the "Watched folders" list.
func (t *settingsTab) Folders() *FolderList { return t.folders }

// folderTab is the folder list as the Settings view shows it.
type folderTab struct{ *FolderList }

func (f folderTab) Sync() { f.sync() }
