// Package usagechart draws usage per day as pairs of bars (credits and
// pages). It is handed plain values (Day) and knows nothing of where they
// come from.
package usagechart

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// PlotHeight is the height of the tallest bar.
const PlotHeight float32 = 96

// Day is one day's totals as the chart draws them.
type Day struct {
	Day     time.Time
	Pages   int64
	Credits float64
}

// FormatCredits writes a credit count as the chart's legend does: whole
// numbers without decimals, others with one.
func FormatCredits(c float64) string {
	if c == float64(int64(c)) {
		return fmt.Sprintf("%d", int64(c))
	}
	return fmt.Sprintf("%.1f", c)
}

// Chart draws credits and pages per day as pairs of bars, each
// series scaled to its own busiest day, with a legend naming both maxima
// and a date under every fifth day. It is a widget, so its renderer
// reads the theme's colours on every refresh: Fyne refreshes widgets
// when the theme changes, and the chart follows light and dark.
type Chart struct {
	widget.BaseWidget
	days []Day // main goroutine
}

// New returns a chart of days.
func New(days []Day) *Chart {
	c := &Chart{days: days}
	c.ExtendBaseWidget(c)
	return c
}

// SetDays shows days. Main goroutine.
func (c *Chart) SetDays(days []Day) {
	c.days = days
	c.Refresh()
}

// Bar is one day's pair of bars as drawn: the values and the bars'
// heights in the plot (0 to PlotHeight).
type Bar struct {
	Day           string // "2 Jan"
	Credits       float64
	Pages         int64
	CreditsHeight float32
	PagesHeight   float32
}

// Bars is what the chart draws, a day at a time, oldest first.
func (c *Chart) Bars() []Bar { return usageBars(c.days) }

// usageBars scales each series to its busiest day, so a month of few
// pages but many credits (or the reverse) still shows both shapes.
func usageBars(days []Day) []Bar {
	var topC float64
	var topP int64
	for _, d := range days {
		topC, topP = max(topC, d.Credits), max(topP, d.Pages)
	}
	out := make([]Bar, len(days))
	for i, d := range days {
		b := Bar{Day: d.Day.Format("2 Jan"), Credits: d.Credits, Pages: d.Pages}
		if topC > 0 {
			b.CreditsHeight = float32(d.Credits/topC) * PlotHeight
		}
		if topP > 0 {
			b.PagesHeight = float32(float64(d.Pages)/float64(topP)) * PlotHeight
		}
		out[i] = b
	}
	return out
}

// usageLegend says what the colours and the heights mean.
func usageLegend(days []Day) (credits, pages string) {
	var topC float64
	var topP int64
	for _, d := range days {
		topC, topP = max(topC, d.Credits), max(topP, d.Pages)
	}
	return fmt.Sprintf("credits (busiest day %s)", FormatCredits(topC)), fmt.Sprintf("pages (busiest day %d)", topP)
}

// CreateRenderer is part of fyne.Widget.
func (c *Chart) CreateRenderer() fyne.WidgetRenderer {
	r := &usageChartRenderer{c: c}
	r.rebuild()
	return r
}

type usageChartRenderer struct {
	c *Chart

	creditsKey, pagesKey   *canvas.Rectangle
	creditsText, pagesText *canvas.Text
	baseline               *canvas.Line
	credits, pages         []*canvas.Rectangle
	dates                  []*canvas.Text
	bars                   []Bar
	objects                []fyne.CanvasObject
}

// rebuild makes the objects for the chart's days, in the theme's colours.
func (r *usageChartRenderer) rebuild() {
	r.bars = usageBars(r.c.days)
	ct, pt := usageLegend(r.c.days)
	r.creditsKey, r.pagesKey = canvas.NewRectangle(color.Transparent), canvas.NewRectangle(color.Transparent)
	r.creditsText, r.pagesText = canvas.NewText(ct, color.Transparent), canvas.NewText(pt, color.Transparent)
	r.baseline = canvas.NewLine(color.Transparent)
	r.credits, r.pages, r.dates = nil, nil, nil
	r.objects = []fyne.CanvasObject{r.creditsKey, r.creditsText, r.pagesKey, r.pagesText, r.baseline}
	for i, b := range r.bars {
		cr, pr := canvas.NewRectangle(color.Transparent), canvas.NewRectangle(color.Transparent)
		r.credits, r.pages = append(r.credits, cr), append(r.pages, pr)
		r.objects = append(r.objects, cr, pr)
		if i%5 == 0 || i == len(r.bars)-1 {
			t := canvas.NewText(b.Day, color.Transparent)
			r.dates = append(r.dates, t)
			r.objects = append(r.objects, t)
		} else {
			r.dates = append(r.dates, nil)
		}
	}
	r.colour()
}

// colour applies the theme in force.
func (r *usageChartRenderer) colour() {
	fg := theme.Color(theme.ColorNameForeground)
	creditsC, pagesC := theme.Color(theme.ColorNamePrimary), theme.Color(theme.ColorNameSuccess)
	empty := theme.Color(theme.ColorNameDisabled)
	size := theme.CaptionTextSize()
	r.creditsKey.FillColor, r.pagesKey.FillColor = creditsC, pagesC
	for _, t := range []*canvas.Text{r.creditsText, r.pagesText} {
		t.Color, t.TextSize = fg, size
	}
	r.baseline.StrokeColor, r.baseline.StrokeWidth = theme.Color(theme.ColorNameSeparator), 1
	for i, b := range r.bars {
		r.credits[i].FillColor, r.pages[i].FillColor = creditsC, pagesC
		if b.Credits == 0 && b.Pages == 0 {
			r.credits[i].FillColor = empty // a stub marks a day with nothing
		}
		if t := r.dates[i]; t != nil {
			t.Color, t.TextSize = fg, size
		}
	}
}

func (r *usageChartRenderer) textHeight() float32 {
	return fyne.MeasureText("2 Jan", theme.CaptionTextSize(), fyne.TextStyle{}).Height
}

func (r *usageChartRenderer) Layout(s fyne.Size) {
	th := r.textHeight()
	pad := theme.Padding()
	// The legend: a swatch and its words, twice, on one line.
	x := float32(0)
	for _, kt := range [][2]fyne.CanvasObject{{r.creditsKey, r.creditsText}, {r.pagesKey, r.pagesText}} {
		key, text := kt[0], kt[1].(*canvas.Text)
		key.Resize(fyne.NewSize(th*0.7, th*0.7))
		key.Move(fyne.NewPos(x, th*0.15))
		x += th*0.7 + pad
		w := text.MinSize().Width
		text.Resize(fyne.NewSize(w, th))
		text.Move(fyne.NewPos(x, 0))
		x += w + 3*pad
	}
	top := th + pad
	base := top + PlotHeight
	r.baseline.Position1, r.baseline.Position2 = fyne.NewPos(0, base), fyne.NewPos(s.Width, base)
	n := len(r.bars)
	if n == 0 {
		return
	}
	slot := s.Width / float32(n)
	gap := max(1, slot*0.2)
	w := max(1, (slot-gap)/2)
	lastRight := float32(-1e9) // the right edge of the last date shown
	for i, b := range r.bars {
		x := float32(i)*slot + gap/2
		ch, ph := b.CreditsHeight, b.PagesHeight
		if b.Credits == 0 && b.Pages == 0 {
			ch = 2
		}
		r.credits[i].Resize(fyne.NewSize(w, ch))
		r.credits[i].Move(fyne.NewPos(x, base-ch))
		r.pages[i].Resize(fyne.NewSize(w, ph))
		r.pages[i].Move(fyne.NewPos(x+w, base-ph))
		if t := r.dates[i]; t != nil {
			tw := t.MinSize().Width
			tx := min(max(0, x+w-tw/2), s.Width-tw) // centred, kept inside
			t.Resize(fyne.NewSize(tw, th))
			t.Move(fyne.NewPos(tx, base+pad/2))
			// In a narrow window the last date may run into the one
			// before: the earlier one gives way.
			if i == len(r.bars)-1 && tx < lastRight+pad {
				r.dates[r.lastDate(i)].Hide()
			}
			if !t.Visible() {
				t.Show()
			}
			if tx < lastRight+pad && i != len(r.bars)-1 {
				t.Hide()
				continue
			}
			lastRight = tx + tw
		}
	}
}

// lastDate is the index of the last date shown before bar i.
func (r *usageChartRenderer) lastDate(i int) int {
	for j := i - 1; j >= 0; j-- {
		if r.dates[j] != nil && r.dates[j].Visible() {
			return j
		}
	}
	return i
}

func (r *usageChartRenderer) MinSize() fyne.Size {
	th := r.textHeight()
	return fyne.NewSize(float32(len(r.bars))*4, th+theme.Padding()+PlotHeight+theme.Padding()/2+th)
}

func (r *usageChartRenderer) Refresh() {
	if len(r.bars) != len(r.c.days) || !sameBars(r.bars, usageBars(r.c.days)) {
		r.rebuild()
	} else {
		r.colour()
	}
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func sameBars(a, b []Bar) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (r *usageChartRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *usageChartRenderer) Destroy()                     {}
