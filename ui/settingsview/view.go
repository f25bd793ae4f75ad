// Package settingsview is the Settings tab: the general settings and
// secrets (saved through the settings service, which applies them live),
// the account's monitoring and budget, the forward targets, and the
// watched folders' tab it is handed. It reaches the app only through Host
// and the values of Config.
package settingsview

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/ui/autostart"
	"github.com/reductotray/reducto-tray/ui/webhooksview"
	"github.com/reductotray/reducto-tray/ui/widgets"
)

var (
	regionLabels = []string{"US", "EU", "AU", "Custom URL"}
	regionValues = []string{settings.RegionUS, settings.RegionEU, settings.RegionAU, settings.RegionCustom}
	notifyLabels = []string{"On", "Failures only", "Off"}
	notifyValues = []string{settings.NotifyAll, settings.NotifyFailures, settings.NotifyOff}
	// The account's jobs have their own rule; "" (the default) is
	// failures only.
	accountNotifyLabels = []string{"None", "Failures only", "All"}
	accountNotifyValues = []string{settings.NotifyOff, settings.NotifyFailures, settings.NotifyAll}
)

// Service is what the view needs of the settings service
// (jobs/settings.Service).
type Service interface {
	// Update changes the saved settings in place, so an edit never undoes
	// another made meanwhile (the watched folders').
	Update(change func(*settings.Settings)) (settings.Settings, error)
	// Secret reads a stored secret.
	Secret(name string) (string, error)
	// SetSecret stores a secret.
	SetSecret(name, value string) error
}

// Host is what the view needs of the app around it.
type Host interface {
	// Go runs f off the UI goroutine; ctx ends when the app closes.
	Go(f func(ctx context.Context))
	// Do runs f on the UI goroutine, unless the app has closed.
	Do(f func())
	// SetStatus shows news in the status line.
	SetStatus(msg string)
	// ShowError says in the status line what failed, and logs it.
	ShowError(what string, err error)
	// Clipboard is the desktop's clipboard.
	Clipboard() fyne.Clipboard
	// OpenURL opens u with the desktop's application for it.
	OpenURL(u *url.URL) error
	// InForce is the settings the app runs with: what the form shows
	// and keeps of what it does not edit. UI goroutine.
	InForce() settings.Settings
	// Saved tells the app that s is saved and in force (its defaults
	// reach the Submit form). UI goroutine.
	Saved(s settings.Settings)
	// ConfigureWebhook asks Reducto for the link to its webhook portal.
	ConfigureWebhook(ctx context.Context) (string, error)
}

// Folders is the "Watched folders" tab the view shows beside the general
// settings.
type Folders interface {
	// Object is the tab's content.
	Object() fyne.CanvasObject
	// Sync shows the watched folders as saved. UI goroutine.
	Sync()
}

// Config is what the view is handed besides its Host.
type Config struct {
	// Settings stores what Save saves; nil: the secrets are not shown.
	Settings Service
	// RelayStatus returns the Svix relay's state and public URL; nil when
	// the app has no relay.
	RelayStatus func() (state, url string)
	// Executable is the program "Start at login" starts ("": this one).
	Executable string
	// AppID names the start-at-login entry.
	AppID string
	// Folders is the "Watched folders" tab.
	Folders Folders
}

// View edits the saved settings and secrets. Secrets are never
// shown back: their entries start empty (leave empty to keep) and a label
// shows the masked value.
type View struct {
	h   Host
	cfg Config

	APIKey        *widget.Entry
	APIKeyShown   *widget.Label
	Region        *widget.Select
	CustomURL     *widget.Entry
	Webhook       *widget.Select
	WebhookSecret *widget.Entry
	SecretShown   *widget.Label
	Channels      *widget.Entry
	PublicURL     *widget.Entry
	Listen        *widget.Entry
	Relay         *widget.Check
	RelayURL      *widget.Label
	Notifications *widget.Select
	StartAtLogin  *widget.Check
	CloseQuits    *widget.Check
	Concurrency   *widget.Entry
	// The whole account (issue 9): monitoring, its notification rule,
	// the monthly credit budget, and the forward targets.
	MonitorAccount *widget.Check
	AccountNotify  *widget.Select
	Budget         *widget.Entry
	AccountKeep    *widget.Entry // days the account's other jobs are kept
	Forward        *webhooksview.ForwardTargetsEditor
	Problem        *widget.Label
	Save           *widget.Button
	Portal         *widget.Button

	// folders is the "Watched folders" tab.
	folders Folders
	tabs    *container.AppTabs
	obj     fyne.CanvasObject
}

// New builds the tab, showing the settings in force.
func New(h Host, cfg Config) *View {
	v := &View{h: h, cfg: cfg}
	v.APIKey = widget.NewPasswordEntry()
	v.APIKey.PlaceHolder = "Paste a new key to replace the stored one"
	v.APIKeyShown = &widget.Label{}
	v.Region = widget.NewSelect(regionLabels, func(string) { widgets.Show(v.CustomURL, v.Region.Selected == "Custom URL") })
	v.CustomURL = &widget.Entry{PlaceHolder: "https://reducto.example.com"}
	v.Webhook = widget.NewSelect([]string{string(jobs.WebhookNone), string(jobs.WebhookSvix), string(jobs.WebhookDirect)}, nil)
	v.WebhookSecret = widget.NewPasswordEntry()
	v.WebhookSecret.PlaceHolder = "whsec_… (leave empty to keep)"
	v.SecretShown = &widget.Label{}
	v.Channels = &widget.Entry{PlaceHolder: "Comma separated; empty = all"}
	v.PublicURL = &widget.Entry{PlaceHolder: "https://tray.example.com (direct webhooks)"}
	v.Listen = &widget.Entry{PlaceHolder: settings.DefaultListen}
	v.Relay = widget.NewCheck("Receive Svix webhooks through the relay (no public URL needed)", nil)
	v.RelayURL = &widget.Label{Truncation: fyne.TextTruncateEllipsis, Selectable: true}
	v.Notifications = widget.NewSelect(notifyLabels, nil)
	v.StartAtLogin = widget.NewCheck("Start at login", nil)
	v.CloseQuits = widget.NewCheck("Closing the window quits", nil)
	v.Concurrency = &widget.Entry{}
	v.MonitorAccount = widget.NewCheck("Monitor every job on this account", nil)
	v.AccountNotify = widget.NewSelect(accountNotifyLabels, nil)
	v.Budget = &widget.Entry{PlaceHolder: "Credits a month; empty = no budget"}
	v.AccountKeep = &widget.Entry{PlaceHolder: strconv.Itoa(settings.DefaultAccountRetentionDays)}
	v.Forward = webhooksview.NewForwardTargetsEditor()
	v.Problem = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	v.Problem.Hide()
	v.Save = &widget.Button{Text: "Save", Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: v.save}
	v.Portal = widget.NewButtonWithIcon("Open webhook portal", theme.ComputerIcon(), v.openPortal)
	copyRelay := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		if _, relayURL := v.relay(); relayURL != "" {
			h.Clipboard().SetContent(relayURL)
			h.SetStatus("Copied the relay URL")
		}
	})
	form := widget.NewForm(
		widget.NewFormItem("API key", container.NewVBox(v.APIKey, v.APIKeyShown)),
		widget.NewFormItem("Region", container.NewVBox(v.Region, v.CustomURL)),
		widget.NewFormItem("Default webhook", v.Webhook),
		widget.NewFormItem("Svix secret", container.NewVBox(v.WebhookSecret, v.SecretShown)),
		widget.NewFormItem("Svix channels", v.Channels),
		widget.NewFormItem("Public URL", v.PublicURL),
		widget.NewFormItem("Receiver address", v.Listen),
		widget.NewFormItem("Relay", container.NewVBox(v.Relay, container.NewBorder(nil, nil, nil, copyRelay, v.RelayURL))),
		widget.NewFormItem("", v.Portal),
		widget.NewFormItem("Notifications", v.Notifications),
		widget.NewFormItem("", v.StartAtLogin),
		widget.NewFormItem("", v.CloseQuits),
		widget.NewFormItem("Upload concurrency", v.Concurrency),
		widget.NewFormItem("Account", v.MonitorAccount),
		widget.NewFormItem("Account notifications", v.AccountNotify),
		widget.NewFormItem("Monthly budget", v.Budget),
		widget.NewFormItem("Keep account jobs (days)", v.AccountKeep),
		widget.NewFormItem("Forward deliveries to", v.Forward.Object()),
	)
	note := widget.NewLabel("The receiver address, public URL and relay take effect after a restart; the rest applies at once.")
	note.Wrapping = fyne.TextWrapWord
	general := container.NewBorder(nil, container.NewVBox(v.Problem, note, v.Save), nil, nil, container.NewVScroll(form))
	v.folders = cfg.Folders
	v.tabs = container.NewAppTabs(
		container.NewTabItem("General", general),
		container.NewTabItem("Watched folders", v.folders.Object()),
	)
	v.obj = v.tabs
	v.Fill(h.InForce())
	v.ReloadSecrets()
	return v
}

// Object is the view's canvas object.
func (v *View) Object() fyne.CanvasObject { return v.obj }

func (v *View) relay() (state, url string) {
	if v.cfg.RelayStatus == nil {
		return "", ""
	}
	return v.cfg.RelayStatus()
}

// ShowRelay shows the relay's state and public URL.
func (v *View) ShowRelay(state, url string) {
	if url == "" && state == "" {
		v.RelayURL.SetText("relay not running")
		return
	}
	v.RelayURL.SetText(fmt.Sprintf("%s — %s", state, url))
}

// Fill shows s in the widgets.
func (v *View) Fill(s settings.Settings) {
	v.Region.SetSelected(pick(regionLabels, regionValues, s.Region))
	v.CustomURL.SetText(s.CustomBaseURL)
	widgets.Show(v.CustomURL, s.Region == settings.RegionCustom)
	v.Webhook.SetSelected(string(s.Defaults.Webhook))
	v.Channels.SetText(strings.Join(s.Defaults.Channels, ", "))
	v.PublicURL.SetText(s.PublicURL)
	v.Listen.SetText(s.Listen)
	v.Relay.SetChecked(s.Relay)
	v.ShowRelay(v.relay())
	v.Notifications.SetSelected(pick(notifyLabels, notifyValues, s.Notifications))
	v.StartAtLogin.SetChecked(s.StartAtLogin || autostart.Enabled(v.cfg.AppID))
	v.CloseQuits.SetChecked(s.CloseQuits)
	v.Concurrency.SetText(strconv.Itoa(s.UploadConcurrency))
	v.MonitorAccount.SetChecked(s.MonitorAccount)
	mode := s.AccountNotifications
	if mode == "" {
		mode = settings.NotifyFailures
	}
	v.AccountNotify.SetSelected(pick(accountNotifyLabels, accountNotifyValues, mode))
	v.Budget.SetText("")
	if s.MonthlyBudget > 0 {
		v.Budget.SetText(strconv.FormatFloat(s.MonthlyBudget, 'f', -1, 64))
	}
	v.AccountKeep.SetText(strconv.Itoa(s.AccountRetentionDays))
	v.Forward.Set(s.ForwardTargets)
	v.folders.Sync()
}

// ShowFolders selects the "Watched folders" tab.
func (v *View) ShowFolders() { v.tabs.SelectIndex(1) }

// ReloadSecrets shows the stored secrets masked. The keyring may be slow,
// so it reads them in the background.
func (v *View) ReloadSecrets() { v.h.Go(func(context.Context) { v.loadSecrets() }) }

func (v *View) loadSecrets() {
	if v.cfg.Settings == nil {
		return
	}
	key, kerr := v.cfg.Settings.Secret(settings.SecretAPIKey)
	secret, serr := v.cfg.Settings.Secret(settings.SecretWebhook)
	v.h.Do(func() {
		v.APIKeyShown.SetText(maskedText(key, kerr, os.Getenv("REDUCTO_API_KEY") != ""))
		v.SecretShown.SetText(maskedText(secret, serr, os.Getenv("REDUCTO_WEBHOOK_SECRET") != ""))
	})
}

func maskedText(v string, err error, envSet bool) string {
	switch {
	case err != nil:
		return "unreadable: " + err.Error()
	case envSet:
		return "set by the environment (overrides the stored one)"
	case v == "":
		return "none stored"
	}
	return "stored: " + settings.Mask(v)
}

func pick(labels, values []string, v string) string {
	for i, x := range values {
		if x == v {
			return labels[i]
		}
	}
	return labels[0]
}

// read turns the widgets into settings, keeping what the view does not
// edit (defaults' kind and options, sandbox).
func (v *View) read() (settings.Settings, error) {
	s := v.h.InForce()
	s.Region = pick(regionValues, regionLabels, v.Region.Selected)
	s.CustomBaseURL = strings.TrimSpace(v.CustomURL.Text)
	s.Defaults.Webhook = jobs.WebhookMode(v.Webhook.Selected)
	s.Defaults.Channels = widgets.SplitList(v.Channels.Text)
	s.PublicURL = strings.TrimRight(strings.TrimSpace(v.PublicURL.Text), "/")
	s.Listen = strings.TrimSpace(v.Listen.Text)
	if s.Listen == "" {
		s.Listen = settings.DefaultListen
	}
	s.Relay = v.Relay.Checked
	s.Notifications = pick(notifyValues, notifyLabels, v.Notifications.Selected)
	s.StartAtLogin = v.StartAtLogin.Checked
	s.CloseQuits = v.CloseQuits.Checked
	n, err := strconv.Atoi(strings.TrimSpace(v.Concurrency.Text))
	if err != nil {
		return s, fmt.Errorf("upload concurrency %q is not a number", v.Concurrency.Text)
	}
	s.UploadConcurrency = n
	s.MonitorAccount = v.MonitorAccount.Checked
	s.AccountNotifications = pick(accountNotifyValues, accountNotifyLabels, v.AccountNotify.Selected)
	s.MonthlyBudget = 0
	if b := strings.TrimSpace(v.Budget.Text); b != "" {
		if s.MonthlyBudget, err = strconv.ParseFloat(b, 64); err != nil || math.IsNaN(s.MonthlyBudget) || math.IsInf(s.MonthlyBudget, 0) {
			return s, fmt.Errorf("monthly budget %q is not a number of credits", b)
		}
	}
	if days := strings.TrimSpace(v.AccountKeep.Text); days == "" {
		s.AccountRetentionDays = settings.DefaultAccountRetentionDays
	} else if s.AccountRetentionDays, err = strconv.Atoi(days); err != nil {
		return s, fmt.Errorf("keep account jobs: %q is not a whole number of days (1 to %d)", days, settings.MaxAccountRetentionDays)
	}
	// A URL typed but not added is most likely meant to be added.
	if strings.TrimSpace(v.Forward.URL.Text) != "" {
		v.Forward.AddTyped()
		if v.Forward.Problem.Visible() {
			return s, errors.New(v.Forward.Problem.Text)
		}
	}
	s.ForwardTargets = v.Forward.Targets()
	if s.PublicURL != "" {
		if u, err := url.Parse(s.PublicURL); err != nil || u.Host == "" {
			return s, fmt.Errorf("public URL %q is not a URL", s.PublicURL)
		}
	}
	// Empty keeps the stored secret; anything typed must pass the
	// verifier's own rule.
	if secret := strings.TrimSpace(v.WebhookSecret.Text); secret != "" {
		if err := settings.ValidateWebhookSecret(secret); err != nil {
			return s, fmt.Errorf("Svix secret: %w", err)
		}
	}
	return s, s.Validate()
}

func (v *View) problem(err error) {
	if err == nil {
		v.Problem.Hide()
		return
	}
	v.Problem.SetText(err.Error())
	v.Problem.Show()
}

// save validates and stores the settings and secrets, updates the
// autostart entry, and tells main.
func (v *View) save() {
	s, err := v.read()
	if err != nil {
		v.problem(err)
		return
	}
	key := strings.TrimSpace(v.APIKey.Text)
	secret := strings.TrimSpace(v.WebhookSecret.Text)
	exe := v.cfg.Executable
	v.Save.Disable()
	v.h.Go(func(context.Context) {
		err := v.persist(s, key, secret, exe)
		v.h.Do(func() {
			v.Save.Enable()
			v.problem(err)
			if err != nil {
				return
			}
			cur := v.h.InForce()
			restart := s.Listen != cur.Listen || s.PublicURL != cur.PublicURL || s.Relay != cur.Relay
			s.WatchFolders = cur.WatchFolders
			v.h.Saved(s)
			v.APIKey.SetText("")
			v.WebhookSecret.SetText("")
			if restart {
				v.h.SetStatus("Settings saved; restart Reducto Tray to apply the receiver changes")
			} else {
				v.h.SetStatus("Settings saved")
			}
			v.ReloadSecrets()
		})
	})
}

// persist writes everything save changes; it may block on the keyring.
func (v *View) persist(s settings.Settings, key, secret, exe string) error {
	// Update, not Save: the watched folders are edited at once from their
	// own tab, and this form's copy of them may be older.
	if _, err := v.cfg.Settings.Update(func(cur *settings.Settings) {
		folders := cur.WatchFolders
		*cur = s
		cur.WatchFolders = folders
	}); err != nil {
		return err
	}
	var errs []error
	if key != "" {
		if err := v.cfg.Settings.SetSecret(settings.SecretAPIKey, key); err != nil {
			errs = append(errs, fmt.Errorf("store the API key: %w", err))
		}
	}
	if secret != "" {
		if err := v.cfg.Settings.SetSecret(settings.SecretWebhook, secret); err != nil {
			errs = append(errs, fmt.Errorf("store the Svix secret: %w", err))
		}
	}
	if s.StartAtLogin {
		if exe == "" {
			var err error
			if exe, err = os.Executable(); err != nil {
				errs = append(errs, fmt.Errorf("start at login: %w", err))
			}
		}
		if exe != "" {
			if err := autostart.Enable(v.cfg.AppID, "Reducto Tray", exe); err != nil {
				errs = append(errs, err)
			}
		}
	} else if err := autostart.Disable(v.cfg.AppID); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// openPortal asks Reducto for the Svix portal URL and opens it.
func (v *View) openPortal() {
	v.Portal.Disable()
	v.h.Go(func(ctx context.Context) {
		link, err := v.h.ConfigureWebhook(ctx)
		v.h.Do(func() {
			v.Portal.Enable()
			if err != nil {
				v.h.ShowError("Webhook portal", err)
				return
			}
			u, err := url.Parse(link)
			if err == nil {
				err = v.h.OpenURL(u)
			}
			if err != nil {
				v.h.ShowError("Webhook portal", err)
			}
		})
	})
}
