// Package widgets holds the layouts and small widgets the views share: a
// pair side by side or stacked as the width allows (NewBeside,
// NewLineOrTwo), a bar that flows onto more lines over what is below it
// (Flow, NewBarOver), and LinesView, long read-only text that draws only
// what is in view. It knows no view and no App.
package widgets
