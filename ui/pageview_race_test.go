//go:build race

package ui

// pageRendererInterpreter: under the race detector PDFium runs in wazero's
// interpreter (compiling it instrumented takes over a minute).
const pageRendererInterpreter = true
