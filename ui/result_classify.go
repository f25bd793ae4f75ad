package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
)

func init() {
	registerKindView(jobs.KindClassify, kindView{ // a category: the JSON every result exports is all there is
		summary: func(m *resultModel) string {
			if m.classify == nil {
				return ""
			}
			return classifySummary(m.classify)
		},
		object: func(v *ResultView, m *resultModel) fyne.CanvasObject {
			if m.classify == nil {
				return nil
			}
			return v.classifyObject(m)
		},
	})
}

// classifySummary is the line above a classify's result.
// The category itself is the badge below, so it is not said twice.
func classifySummary(c *result.Classify) string {
	s := "Classified"
	switch {
	case c.Categories == 1:
		s += " among 1 category"
	case c.Categories > 1:
		s += fmt.Sprintf(" among %d categories", c.Categories)
	}
	if c.Usage.Pages > 0 {
		s += " · from " + plural(c.Usage.Pages, "page")
	}
	return s
}

// classifyObject shows a classify's category as a badge, what the
// document's category does next (the preset its route runs, which the
// detail's links lead to, or nothing), and where each of the job's
// categories goes: the sorting at a glance.
func (v *ResultView) classifyObject(m *resultModel) fyne.CanvasObject {
	badge := categoryBadge(m.classify.Category)
	next := "No route for this category: the document stops here."
	if name, ok := v.d.job.Route(); ok {
		next = fmt.Sprintf("Routed to the preset “%s”: the document runs there next (the link above leads to that job).", name)
	}
	note := &widget.Label{Text: next, Wrapping: fyne.TextWrapWord}
	box := container.NewVBox(container.NewHBox(badge), note)
	if routes := categoryRoutes(v.d.job); len(routes) > 0 {
		box.Add(widget.NewSeparator())
		box.Add(&widget.Label{Text: "Where each category goes", TextStyle: fyne.TextStyle{Bold: true}})
		for _, r := range routes {
			box.Add(r)
		}
	}
	return container.NewVScroll(box)
}

// categoryRoutes are one line per category of job's options: the preset
// its route runs, or that it stops there; the chosen one in bold. Nil
// when the options do not say the categories.
func categoryRoutes(job jobs.Job) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, cat := range job.Options.ClassifyCategories() {
		to := "stops here"
		if name := job.Options.Routes[cat]; name != "" {
			to = "preset “" + name + "”"
		}
		line := &widget.Label{Text: cat + " → " + to, Wrapping: fyne.TextWrapWord}
		if cat == job.Category {
			line.Text += "  (this document)"
			line.TextStyle.Bold = true
		}
		out = append(out, line)
	}
	return out
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
