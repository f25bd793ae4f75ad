package core

import (
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// apply puts the settings in force into effect without a restart where
// that is possible (the receiver address and the relay need one, and the
// settings screen says so). Clearing the API key or the signing secret
// takes effect at once. It runs on the goroutine that saved.
func (a *App) apply(eff settings.Effective) {
	a.applyMu.Lock()
	defer a.applyMu.Unlock()
	a.engine.SetUploadConcurrency(eff.UploadConcurrency)
	a.applyWatch(eff)
	a.applyForward(eff)
	a.account.SetEnabled(eff.MonitorAccount)
	if a.cfg.Notifier != nil {
		a.cfg.Notifier.Apply(eff)
	}
	a.mu.Lock()
	if !a.session {
		a.defaults = eff.Defaults
	}
	leaving := a.sandbox && !a.forced && eff.APIKey != ""
	if leaving {
		a.sandbox = false
	}
	inSandbox := a.sandbox
	if !inSandbox {
		// The sandbox keeps its own random secret; a real API uses the
		// one in force, even "" (cleared: Svix deliveries are refused).
		a.webSecret = eff.WebhookSecret
		a.publicURL = firstNonEmpty(a.cfg.Flags.PublicURL, eff.PublicURL)
	}
	publicURL := a.publicURL
	onSandbox := a.onSandbox
	a.mu.Unlock()

	if !inSandbox {
		// A cleared key is cleared at once: requests then fail with
		// "no API key" instead of using the old one.
		a.client.SetCredentials(eff.APIBaseURL, eff.APIKey)
		a.engine.SetDirectWebhookURL(directURL(publicURL, a.token))
	}
	if leaving {
		a.log.Info("API key set: leaving sandbox mode for new submissions")
		if onSandbox != nil {
			onSandbox(false)
		}
	}
}
