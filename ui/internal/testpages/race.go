//go:build race

package testpages

// interpreter: under the race detector PDFium runs in wazero's
// interpreter (compiling it instrumented takes over a minute).
const interpreter = true
