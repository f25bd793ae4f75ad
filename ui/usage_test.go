package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/ui/usagechart"
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
		usageDays - 1:  {8, 4, usagechart.PlotHeight, usagechart.PlotHeight / 2}, // today: the most credits
		usageDays - 2:  {4, 8, usagechart.PlotHeight / 2, usagechart.PlotHeight}, // yesterday: the most pages
		usageDays - 11: {2, 2, usagechart.PlotHeight / 4, usagechart.PlotHeight / 4},
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
		by := v.byKind.Text
		for _, s := range []string{"parse · invoices: 10 credits, 12 pages", "extract: 2 credits, 0 pages", "split (other clients): 2 credits, 2 pages"} {
			if !strings.Contains(by, s) {
				t.Errorf("breakdown %q lacks %q", by, s)
			}
		}
	})
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
