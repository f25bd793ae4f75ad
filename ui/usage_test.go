package ui

import (
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// The chart draws one pair of bars a day for 30 days, credits and pages
// each scaled to its own busiest day, from the stored usage; the split by
// kind and preset sits beside it.
func TestUsageChartPerDay(t *testing.T) {
	now := time.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	day := func(n int) time.Time { return today.AddDate(0, 0, -n) }
	fake := &fakeAccount{bus: jobs.NewBus(), usage: jobs.Usage{Rows: []jobs.UsageRow{
		{Day: day(0), Origin: jobs.OriginLocal, Kind: jobs.KindParse, Preset: "invoices", Jobs: 2, Pages: 4, Credits: 6},
		{Day: day(0), Origin: jobs.OriginLocal, Kind: jobs.KindExtract, Jobs: 1, Pages: 0, Credits: 2},
		{Day: day(1), Origin: jobs.OriginLocal, Kind: jobs.KindParse, Preset: "invoices", Jobs: 3, Pages: 8, Credits: 4},
		{Day: day(10), Origin: jobs.OriginAccount, Kind: jobs.KindSplit, Jobs: 1, Pages: 2, Credits: 2},
		{Day: day(40), Origin: jobs.OriginLocal, Kind: jobs.KindParse, Jobs: 9, Pages: 90, Credits: 90}, // before the chart
	}}}
	r := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) { cfg.Account = fake })
	r.onMain(r.u.ShowAccount)
	v := r.u.account
	r.eventually("the chart's days", func() bool { return len(v.chart.Bars()) == usageDays })
	type want struct {
		credits       float64
		pages         int64
		creditsH, pgH float32
	}
	wants := map[int]want{
		usageDays - 1:  {8, 4, usagePlotHeight, usagePlotHeight / 2}, // today: the most credits
		usageDays - 2:  {4, 8, usagePlotHeight / 2, usagePlotHeight}, // yesterday: the most pages
		usageDays - 11: {2, 2, usagePlotHeight / 4, usagePlotHeight / 4},
	}
	r.onMain(func() {
		bars := v.chart.Bars()
		if bars[0].Day != day(usageDays-1).Format("2 Jan") || bars[usageDays-1].Day != today.Format("2 Jan") {
			t.Fatalf("days %s … %s", bars[0].Day, bars[usageDays-1].Day)
		}
		for i, b := range bars {
			w := wants[i] // zero for a day with nothing
			if b.Credits != w.credits || b.Pages != w.pages || b.CreditsHeight != w.creditsH || b.PagesHeight != w.pgH {
				t.Errorf("day %d (%s): %+v, want %+v", i, b.Day, b, w)
			}
		}
		// The drawn rectangles are those heights, on one baseline.
		rr := test.TempWidgetRenderer(t, v.chart).(*usageChartRenderer)
		v.chart.Resize(fyne.NewSize(600, v.chart.MinSize().Height))
		rr.Layout(v.chart.Size())
		last := usageDays - 1
		if got := rr.credits[last].Size().Height; got != usagePlotHeight {
			t.Errorf("today's credits bar is %v high", got)
		}
		if got := rr.pages[last-1].Size().Height; got != usagePlotHeight {
			t.Errorf("yesterday's pages bar is %v high", got)
		}
		if a, b := rr.credits[last].Position().Y+rr.credits[last].Size().Height, rr.pages[last].Position().Y+rr.pages[last].Size().Height; a != b {
			t.Errorf("bars stand on different baselines: %v, %v", a, b)
		}
		if !strings.Contains(rr.creditsText.Text, "busiest day 8") || !strings.Contains(rr.pagesText.Text, "busiest day 8") {
			t.Errorf("legend %q / %q", rr.creditsText.Text, rr.pagesText.Text)
		}
		by := v.byKind.Text
		for _, s := range []string{"parse · invoices: 10 credits, 12 pages", "extract: 2 credits, 0 pages", "split (other clients): 2 credits, 2 pages"} {
			if !strings.Contains(by, s) {
				t.Errorf("breakdown %q lacks %q", by, s)
			}
		}
	})
}

// The chart takes the theme's colours again on a refresh (Fyne refreshes
// every widget when the theme changes), so light and dark both read.
func TestUsageChartFollowsTheme(t *testing.T) {
	a := test.NewTempApp(t)
	now := time.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	c := newUsageChart(jobs.Usage{Rows: []jobs.UsageRow{{Day: today, Kind: jobs.KindParse, Pages: 3, Credits: 3}}}.Days(today.AddDate(0, 0, -1), today))
	rr := test.TempWidgetRenderer(t, c).(*usageChartRenderer)
	if sameColor(theme.DefaultTheme().Color(theme.ColorNameForeground, theme.VariantLight),
		theme.DefaultTheme().Color(theme.ColorNameForeground, theme.VariantDark)) {
		t.Fatal("light and dark share a foreground: the test cannot tell them apart")
	}
	for _, variant := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		th := variantTheme{theme.DefaultTheme(), variant}
		a.Settings().SetTheme(th)
		c.Refresh()
		check := func(what string, got, want color.Color) {
			if !sameColor(got, want) {
				t.Errorf("variant %d: %s is %v, want %v", variant, what, got, want)
			}
		}
		check("the credits bar", rr.credits[1].FillColor, th.Color(theme.ColorNamePrimary, variant))
		check("the pages bar", rr.pages[1].FillColor, th.Color(theme.ColorNameSuccess, variant))
		check("the empty day", rr.credits[0].FillColor, th.Color(theme.ColorNameDisabled, variant))
		check("the legend", rr.creditsText.Color, th.Color(theme.ColorNameForeground, variant))
		var date *canvas.Text
		for _, d := range rr.dates {
			if d != nil {
				date = d
			}
		}
		check("a date", date.Color, th.Color(theme.ColorNameForeground, variant))
	}
}

// variantTheme is a theme fixed to one variant, as the desktop's light or
// dark setting makes it.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// Over the budget, the bar says the real share (it said "100 % of the
// budget" beside "636 % used") in the danger colour, not the neutral blue.
func TestBudgetOverIsSaidAndColoured(t *testing.T) {
	if got := budgetText(636, 100); got != "636 % of the budget: over" {
		t.Errorf("bar text %q", got)
	}
	if got := budgetText(14, 100); got != "14 % of the budget" {
		t.Errorf("bar text %q", got)
	}
	if budgetImportance(636, 100) != widget.DangerImportance || budgetImportance(85, 100) != widget.WarningImportance || budgetImportance(10, 100) != widget.MediumImportance {
		t.Error("budget colours")
	}
	if got := usageSummary(jobs.UsageDay{Credits: 636}, 100, time.Now()); !strings.Contains(got, "636 % used: over budget") {
		t.Errorf("summary %q", got)
	}
}
