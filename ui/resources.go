package ui

import (
	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/assets"
)

// Icons as Fyne resources. The tray gets PNGs: on Linux the bytes go to the
// StatusNotifierItem unconverted and systray cannot decode SVG.
var (
	// AppIcon is the application icon; main sets it with App.SetIcon.
	AppIcon       fyne.Resource = fyne.NewStaticResource("icon.png", assets.Icon)
	trayIdle                    = fyne.NewStaticResource("tray_idle.png", assets.TrayIdle)
	trayRunning                 = fyne.NewStaticResource("tray_running.png", assets.TrayRunning)
	trayAttention               = fyne.NewStaticResource("tray_attention.png", assets.TrayAttention)
	trayPaused                  = fyne.NewStaticResource("tray_paused.png", assets.TrayPaused)
)
