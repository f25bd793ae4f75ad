//go:build !race

package ui

const pageRendererInterpreter = false
