package usagechart

import (
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// Each series is scaled to its own busiest day, and the drawn rectangles
// are those heights, standing on one baseline, under a legend naming both
// maxima.
func TestChartDrawsEachSeriesToItsBusiestDay(t *testing.T) {
	test.NewTempApp(t)
	today := time.Date(2026, 12, 7, 0, 0, 0, 0, time.Local)
	days := make([]Day, 30)
	for i := range days {
		days[i].Day = today.AddDate(0, 0, i-29)
	}
	days[29].Credits, days[29].Pages = 8, 4 // today: the most credits
	days[28].Credits, days[28].Pages = 4, 8 // yesterday: the most pages
	days[18].Credits, days[18].Pages = 2, 2
	c := New(days)
	bars := c.Bars()
	if bars[0].Day != "8 Nov" || bars[29].Day != "7 Dec" {
		t.Fatalf("days %s … %s", bars[0].Day, bars[29].Day)
	}
	if b := bars[18]; b.CreditsHeight != PlotHeight/4 || b.PagesHeight != PlotHeight/4 {
		t.Errorf("a quiet day: %+v", b)
	}
	rr := test.TempWidgetRenderer(t, c).(*usageChartRenderer)
	c.Resize(fyne.NewSize(600, c.MinSize().Height))
	rr.Layout(c.Size())
	if got := rr.credits[29].Size().Height; got != PlotHeight {
		t.Errorf("today's credits bar is %v high", got)
	}
	if got := rr.pages[28].Size().Height; got != PlotHeight {
		t.Errorf("yesterday's pages bar is %v high", got)
	}
	if got := rr.pages[29].Size().Height; got != PlotHeight/2 {
		t.Errorf("today's pages bar is %v high", got)
	}
	if a, b := rr.credits[29].Position().Y+rr.credits[29].Size().Height, rr.pages[29].Position().Y+rr.pages[29].Size().Height; a != b {
		t.Errorf("bars stand on different baselines: %v, %v", a, b)
	}
	if !strings.Contains(rr.creditsText.Text, "busiest day 8") || !strings.Contains(rr.pagesText.Text, "busiest day 8") {
		t.Errorf("legend %q / %q", rr.creditsText.Text, rr.pagesText.Text)
	}
}

func TestFormatCredits(t *testing.T) {
	if got := FormatCredits(12); got != "12" {
		t.Errorf("whole: %q", got)
	}
	if got := FormatCredits(1.5); got != "1.5" {
		t.Errorf("fraction: %q", got)
	}
}

// The chart takes the theme's colours again on a refresh (Fyne refreshes
// every widget when the theme changes), so light and dark both read.
func TestChartFollowsTheme(t *testing.T) {
	a := test.NewTempApp(t)
	now := time.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	c := New([]Day{{Day: today.AddDate(0, 0, -1)}, {Day: today, Pages: 3, Credits: 3}})
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
