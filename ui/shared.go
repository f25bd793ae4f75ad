package ui

import "github.com/reductotray/reducto-tray/ui/widgets"

// The short names ui's views have always called the helpers by, now that
// the helpers live in ui/widgets for the views in packages of their own:
// the many call sites in ui stay as they were (and merge with other work
// on those files); new code may call widgets directly.
var (
	enable     = widgets.Enable
	show       = widgets.Show
	age        = widgets.Age
	byteSize   = widgets.ByteSize
	orDash     = widgets.OrDash
	prettyJSON = widgets.PrettyJSON
	splitList  = widgets.SplitList
)
