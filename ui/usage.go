package ui

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

// usageDays is how many days the usage chart shows.
const usageDays = 30

// usageSummary is this month's totals against the budget, in words.
func usageSummary(month jobs.UsageDay, budget float64, now time.Time) string {
	s := fmt.Sprintf("%s: %s credits, %d pages, %d jobs", now.Format("January"), formatCredits(month.Credits), month.Pages, month.Jobs)
	if budget > 0 {
		over := ""
		if month.Credits > budget {
			over = ": over budget"
		}
		s += fmt.Sprintf(" (budget %s, %.0f %% used%s)", formatCredits(budget), 100*month.Credits/budget, over)
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
		out = append(out, fmt.Sprintf("%s: %s credits, %d pages", k, formatCredits(by[k].Credits), by[k].Pages))
	}
	return out
}

func formatCredits(c float64) string {
	if c == float64(int64(c)) {
		return fmt.Sprintf("%d", int64(c))
	}
	return fmt.Sprintf("%.1f", c)
}

// usageLabel is a wrapping label for the summary.
func usageLabel() *widget.Label {
	return &widget.Label{Wrapping: fyne.TextWrapWord}
}

// besideLayout puts its second object to the right of the first when the
// first keeps at least minMain of width, and under it otherwise: the
// breakdown sits beside the chart in a wide window and below it in a
// small one.
type besideLayout struct {
	minMain float32
	width   float32 // the width last laid out; 0 before the first layout
}

func (l *besideLayout) side(objs []fyne.CanvasObject, width float32) bool {
	return len(objs) == 2 && width-objs[1].MinSize().Width-theme.Padding() >= l.minMain
}

// Layout is part of fyne.Layout.
func (l *besideLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	if len(objs) != 2 {
		return
	}
	l.width = s.Width
	main, aside := objs[0], objs[1]
	if l.side(objs, s.Width) {
		w := aside.MinSize().Width
		main.Resize(fyne.NewSize(s.Width-w-theme.Padding(), main.MinSize().Height))
		main.Move(fyne.NewPos(0, 0))
		aside.Resize(fyne.NewSize(w, aside.MinSize().Height))
		aside.Move(fyne.NewPos(s.Width-w, 0))
		return
	}
	mh := main.MinSize().Height
	main.Resize(fyne.NewSize(s.Width, mh))
	main.Move(fyne.NewPos(0, 0))
	aside.Resize(fyne.NewSize(s.Width, aside.MinSize().Height))
	aside.Move(fyne.NewPos(0, mh+theme.Padding()))
}

// MinSize is part of fyne.Layout. A layout is not told the width it will
// get, so the height follows the arrangement of the last layout (stacked
// before the first).
func (l *besideLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) != 2 {
		return fyne.Size{}
	}
	m, a := objs[0].MinSize(), objs[1].MinSize()
	if l.width > 0 && l.side(objs, l.width) {
		return fyne.NewSize(m.Width, max(m.Height, a.Height))
	}
	return fyne.NewSize(max(m.Width, a.Width), m.Height+theme.Padding()+a.Height)
}
