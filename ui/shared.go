package ui

import "github.com/reductotray/reducto-tray/ui/widgets"

// The views' short names for the shared helpers of ui/widgets.
var (
	enable     = widgets.Enable
	show       = widgets.Show
	age        = widgets.Age
	byteSize   = widgets.ByteSize
	orDash     = widgets.OrDash
	prettyJSON = widgets.PrettyJSON
	splitList  = widgets.SplitList
)
