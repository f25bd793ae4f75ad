// Package testpages is the one page renderer of the UI's tests (ui and
// ui/pageview): starting PDFium is the expensive part, so every test of a
// package shares it.
package testpages

import (
	"os"
	"path/filepath"
	"sync"

	"github.com/reductotray/reducto-tray/jobs/pages"
)

// Renderer is the tests' renderer, made on first use.
var Renderer = sync.OnceValue(func() *pages.Renderer {
	// One folder for every run (not one more per run): a warm cache is
	// only faster, wazero keys its files by its version.
	dir := filepath.Join(os.TempDir(), "reducto-tray-test-pdfium")
	if interpreter {
		dir = "" // the interpreter compiles nothing
	}
	return pages.New(pages.Config{CompileCacheDir: dir, Interpreter: interpreter})
})
