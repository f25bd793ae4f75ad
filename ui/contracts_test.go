package ui

import (
	"github.com/reductotray/reducto-tray/jobs/core"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/ui/notify"
)

// The engine is the Backend main hands the UI; only tests import it, so the
// UI itself cannot reach the store even by accident.
var _ Backend = (*engine.Engine)(nil)

// The notifier is the NotifyControl main hands the UI.
var _ NotifyControl = (*notify.Notifier)(nil)

// The core's delivery log view is the Deliveries the Webhooks tab uses.
var _ Deliveries = (*core.Webhooks)(nil)
