package ui

import "github.com/reductotray/reducto-tray/ui/webhooksview"

// Deliveries is what the Webhooks view needs of the receiver's delivery
// log and its tools (webhooksview.Deliveries).
type Deliveries = webhooksview.Deliveries

// RerunOutcome is what the app made of a delivery handed to it again.
type RerunOutcome = webhooksview.RerunOutcome

// SelfTestStep is one step of the health check and its result.
type SelfTestStep = webhooksview.SelfTestStep

// newWebhooksView builds the Webhooks tab over the app.
func newWebhooksView(u *App) *webhooksview.View {
	return webhooksview.New(viewHost{u}, webhooksview.Config{
		Deliveries:  u.cfg.Deliveries,
		ListenAddr:  u.cfg.ListenAddr,
		DirectURL:   u.cfg.DirectURL,
		RelayStatus: u.cfg.RelayStatus,
		Now:         u.cfg.Now,
	})
}

// ShowWebhooks selects the Webhooks tab. Main goroutine.
func (u *App) ShowWebhooks() {
	for _, t := range u.tabs.Items {
		if t.Text == "Webhooks" {
			u.tabs.Select(t)
			return
		}
	}
}

// CheckWebhooks selects the Webhooks tab and runs its health check. Main
// goroutine.
func (u *App) CheckWebhooks() {
	u.ShowWebhooks()
	u.webhooksView().RunCheck()
}

// ShowDelivery selects the Webhooks tab and shows record seq in its
// detail. Main goroutine.
func (u *App) ShowDelivery(seq int64) {
	u.ShowWebhooks()
	u.webhooksView().ShowDelivery(seq)
}
