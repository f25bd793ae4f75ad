package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

// usageDays is how many days the usage chart shows.
const usageDays = 30

// usageChartHeight is the height of the tallest bar.
const usageChartHeight float32 = 120

// usageChart draws credits per day as bars with Fyne's canvas, in the
// theme's colours (so light and dark both read), with the day's pages and
// credits in each bar's tooltip-free label row underneath every 5th day.
func usageChart(days []jobs.UsageDay) fyne.CanvasObject {
	var top float64
	for _, d := range days {
		top = max(top, d.Credits)
	}
	bars := container.NewGridWithColumns(max(1, len(days)))
	labels := container.NewGridWithColumns(max(1, len(days)))
	for i, d := range days {
		h := float32(1)
		if top > 0 {
			h = max(1, float32(d.Credits/top)*usageChartHeight)
		}
		bar := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
		if d.Credits == 0 {
			bar.FillColor = theme.Color(theme.ColorNameDisabled)
		}
		bar.SetMinSize(fyne.NewSize(4, h))
		bars.Add(container.NewVBox(layout.NewSpacer(), bar))
		txt := ""
		if i%5 == 0 || i == len(days)-1 {
			txt = d.Day.Format("2 Jan")
		}
		l := canvas.NewText(txt, theme.Color(theme.ColorNameForeground))
		l.TextSize = theme.CaptionTextSize()
		labels.Add(l)
	}
	axis := canvas.NewText(fmt.Sprintf("max %s credits/day", formatCredits(top)), theme.Color(theme.ColorNameForeground))
	axis.TextSize = theme.CaptionTextSize()
	return container.NewVBox(axis, container.New(layout.NewCustomPaddedLayout(0, 0, 0, 0), container.NewStack(bars)), labels)
}

// usageSummary is this month's totals, the budget, and the split by kind
// and preset, in words.
func usageSummary(month jobs.UsageDay, budget float64, u jobs.Usage, now time.Time) string {
	s := fmt.Sprintf("%s: %s credits, %d pages, %d jobs", now.Format("January"), formatCredits(month.Credits), month.Pages, month.Jobs)
	if budget > 0 {
		s += fmt.Sprintf(" (budget %s, %.0f %% used)", formatCredits(budget), 100*month.Credits/budget)
	}
	by := u.By(func(r jobs.UsageRow) string {
		k := string(r.Kind)
		if k == "" {
			k = "unknown"
		}
		if r.Preset != "" {
			k += " · " + r.Preset
		}
		if r.Origin == jobs.OriginAccount {
			k += " (account)"
		}
		return k
	})
	for _, k := range sortedKeys(by) {
		s += fmt.Sprintf("\n%s: %s credits, %d pages", k, formatCredits(by[k].Credits), by[k].Pages)
	}
	return s
}

func formatCredits(c float64) string {
	if c == float64(int64(c)) {
		return fmt.Sprintf("%d", int64(c))
	}
	return fmt.Sprintf("%.1f", c)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// usageLabel is a wrapping label for the summary.
func usageLabel() *widget.Label {
	return &widget.Label{Wrapping: fyne.TextWrapWord}
}
