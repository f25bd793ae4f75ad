package core

import (
	"sync"

	"github.com/reductotray/reducto-tray/jobs/pages"
)

// PageRenderer is the renderer of the UI's page view, one for the process
// (its cache of rendered pages and the PDFium runtime are shared by every
// page view). Creating it starts nothing: PDFium starts when a page view
// first shows a PDF, and stops when idle.
func (a *App) PageRenderer() *pages.Renderer { return pageRenderer() }

var pageRenderer = sync.OnceValue(func() *pages.Renderer {
	return pages.New(pages.Config{CompileCacheDir: pages.DefaultCompileCacheDir()})
})
