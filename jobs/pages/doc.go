// Package pages renders the pages of a source document for the page view:
// PDFs through PDFium compiled to WebAssembly (github.com/klippa-app/go-pdfium
// on the wazero runtime, no cgo), images (PNG, JPEG, TIFF) decoded directly.
//
// Cost discipline: the WebAssembly runtime starts on the first request, every
// call into it runs on the Renderer's own goroutine under a time limit, the
// rendered pages are kept in a small cache bounded in bytes, requests whose
// context is done before their turn are dropped, and the runtime is shut down
// after an idle period so its memory returns. A document that hangs or traps
// PDFium costs an error, never the app: the sandbox is killed and restarted.
//
// No Fyne here: the UI (ui/pageview*.go) calls Open and Render from its
// background goroutines and shows the images.
package pages
