//go:build race

package core

// Under the race detector the sandbox's PDFium runs in wazero's
// interpreter: compiling it instrumented takes over a minute.
func init() { sandboxPages.Interpreter = true }
