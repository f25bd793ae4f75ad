// Command reducto-tray is a desktop tray app for the Reducto API: drop
// documents on it and it uploads them, submits asynchronous jobs, follows
// them to the end (webhooks or polling), keeps the history in SQLite and
// notifies. This file only wires: the command line and the environment go
// to the application core (jobs/core), which runs headless or hands the
// window to the UI (ui/desktopapp).
package main

import (
	"log/slog"
	"os"

	"github.com/reductotray/reducto-tray/assets"
	"github.com/reductotray/reducto-tray/jobs/core"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/ui"
	"github.com/reductotray/reducto-tray/ui/desktopapp"
	"github.com/reductotray/reducto-tray/ui/notify"
)

func main() {
	var n *notify.Notifier
	os.Exit(core.Main(os.Args[1:], core.Options{
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		NewNotifier: func(log *slog.Logger) core.Notifier {
			n = notify.New(notify.Config{
				Sender: &notify.DesktopSender{AppName: notify.DefaultAppName, Icon: assets.Icon},
				Logger: log.With("component", "notify"),
			})
			return notifier{n}
		},
		Desktop: func(a *core.App, files []string, ready func()) int {
			ui.Version = core.Version
			return desktopapp.Run(ui.RunConfig{
				Config: ui.Config{
					Backend:         a.Engine(),
					Settings:        a.Settings(),
					SessionDefaults: a.SessionDefaults(),
					Notify:          n,
					Sandbox:         a.InSandbox(),
					SandboxForced:   a.SandboxForced(),
					Examples:        a.ExamplesDir(),
					DirectURL:       a.Engine().DirectWebhookURL,
					RelayStatus:     a.RelayStatus,
					Presets:         ui.PresetStore(a.Presets()),
					Folders:         a.Folders(),
					Deliveries:      a.Webhooks(),
					ListenAddr:      a.ReceiverAddr(),
					Account:         a,
					Fetcher:         a.Fetcher(),
					Pages:           a.PageRenderer(),
					Search:          a,
				},
				Files: files,
				Ready: ready,
				Attach: func(u *ui.App) {
					n.SetOnHealth(u.SetNotifyHealth)
					a.Attach(core.Frontend{
						Open:    func(paths []string) (int, error) { u.OpenFiles(paths); return len(paths), nil },
						Show:    u.ShowWindow,
						Relay:   u.SetRelayStatus,
						Sandbox: u.SetSandbox,
					})
				},
			})
		},
	}))
}

// notifier adapts ui/notify to the core: the notification mode follows the
// settings in force.
type notifier struct{ *notify.Notifier }

func (n notifier) Apply(e settings.Effective) {
	if m, err := notify.ParseMode(e.Notifications); err == nil {
		n.SetMode(m)
	}
	// Account jobs: failures only unless the setting says otherwise.
	if m, err := notify.ParseMode(e.AccountNotifications); err == nil && e.AccountNotifications != "" {
		n.SetAccountMode(m)
	} else {
		n.SetAccountMode(notify.FailuresOnly)
	}
}
