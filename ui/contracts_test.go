package ui

import "github.com/reductotray/reducto-tray/ui/notify"

// The notifier is the NotifyControl main hands the UI.
var _ NotifyControl = (*notify.Notifier)(nil)
