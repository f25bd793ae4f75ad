package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/result"
)

// classifySummary is the line above a classify's result.
func classifySummary(c *result.Classify) string {
	s := "Category " + c.Category
	if c.Categories > 0 {
		s += fmt.Sprintf(" · chosen among %d", c.Categories)
	}
	if c.Usage.Pages > 0 {
		s += " · from " + plural(c.Usage.Pages, "page")
	}
	return s
}

// classifyObject shows a classify's category as a badge, and what the
// document's category does next: the preset its route runs (the detail's
// links lead to that job), or nothing.
func (v *ResultView) classifyObject(m *resultModel) fyne.CanvasObject {
	badge := categoryBadge(m.classify.Category)
	next := "No route for this category: the document stops here."
	if name, ok := v.d.job.Route(); ok {
		next = fmt.Sprintf("Routed to preset %s: the document runs there next (see the link above).", name)
	}
	note := &widget.Label{Text: next, Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	return container.NewVBox(container.NewHBox(widget.NewLabel("Category"), badge), note)
}

// categoryBadge is a category drawn as a rounded pill in the theme's
// primary colour, so it reads as a tag rather than a button.
func categoryBadge(category string) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	bg.CornerRadius = theme.InputRadiusSize() * 2
	text := canvas.NewText(category, theme.Color(theme.ColorNameForegroundOnPrimary))
	text.TextStyle = fyne.TextStyle{Bold: true}
	text.TextSize = theme.TextSize() * 1.2
	pad := theme.InnerPadding()
	return container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(pad/2, pad/2, pad, pad), text))
}
