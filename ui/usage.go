package ui

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/usagechart"
)

// usageDays is how many days the usage chart shows.
const usageDays = 30

// usageSummary is this month's totals against the budget, in words.
func usageSummary(month jobs.UsageDay, budget float64, now time.Time) string {
	s := fmt.Sprintf("%s: %s credits, %d pages, %d jobs", now.Format("January"), usagechart.FormatCredits(month.Credits), month.Pages, month.Jobs)
	if budget > 0 {
		over := ""
		if month.Credits > budget {
			over = ": over budget"
		}
		s += fmt.Sprintf(" (budget %s, %.0f %% used%s)", usagechart.FormatCredits(budget), 100*month.Credits/budget, over)
	}
	return s
}

// usageKindKey groups usage by kind and preset, the account's jobs apart.
func usageKindKey(r jobs.UsageRow) string {
	k := string(r.Kind)
	if k == "" {
		k = "unknown"
	}
	if r.Preset != "" {
		k += " · " + r.Preset
	}
	if r.Origin == jobs.OriginAccount {
		k += " (other clients)"
	}
	return k
}

// usageBreakdown is the split by kind and preset beside the chart: one
// line a group, credits then pages, for the days the chart shows.
func usageBreakdown(u jobs.Usage) []string {
	by := u.By(usageKindKey)
	out := make([]string, 0, len(by))
	for _, k := range slices.Sorted(maps.Keys(by)) {
		out = append(out, fmt.Sprintf("%s: %s credits, %d pages", k, usagechart.FormatCredits(by[k].Credits), by[k].Pages))
	}
	return out
}

// chartDays is days as the usage chart takes them.
func chartDays(days []jobs.UsageDay) []usagechart.Day {
	out := make([]usagechart.Day, len(days))
	for i, d := range days {
		out[i] = usagechart.Day{Day: d.Day, Pages: d.Pages, Credits: d.Credits}
	}
	return out
}

// usageLabel is a wrapping label for the summary.
func usageLabel() *widget.Label {
	return &widget.Label{Wrapping: fyne.TextWrapWord}
}
