package ui

import "github.com/reductotray/reducto-tray/jobs"

// The engine is the Backend main hands the UI.
var _ Backend = (*jobs.Engine)(nil)
