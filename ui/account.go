package ui

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/usagechart"
	"github.com/reductotray/reducto-tray/ui/widgets"
)

// AccountSource is the account monitor and usage as the Account tab sees
// them (main wires the core's App).
type AccountSource interface {
	AccountMonitoring() bool
	AccountJobs(ctx context.Context, limit int) ([]jobs.AccountJob, error)
	SubscribeAccount() *jobs.Subscription
	Usage(ctx context.Context, from, to time.Time) (jobs.Usage, error)
	MonthlyBudget() float64
}

// accountListLimit is how many account jobs the tab lists.
const accountListLimit = 500

// accountEmpty explains the setting when nothing is listed.
const accountEmpty = "No jobs from other clients yet.\n\nTurn on \"Monitor every job on this account\" in Settings to see the jobs " +
	"other installs, scripts and the Studio run on this account: they come from Svix deliveries and the job list, " +
	"and what was missed while the app was closed is caught up at start."

// AccountView is the Account tab: the usage chart and the account's jobs
// this install did not submit, live.
type AccountView struct {
	u       *App
	src     AccountSource
	jobs    []jobs.AccountJob // main goroutine
	list    *widget.List
	empty   *widget.Label
	chart   *usagechart.Chart
	byKind  *widget.Label // the split by kind and preset, beside the chart
	summary *widget.Label
	budget  *widget.ProgressBar // this month's credits against the budget
	used    float64             // this month's credits, which the bar clamps at the budget
	budgetC *container.ThemeOverride
	obj     fyne.CanvasObject
	started bool
}

func newAccountView(u *App) *AccountView {
	v := &AccountView{u: u, src: u.cfg.Account, empty: &widget.Label{Text: accountEmpty, Wrapping: fyne.TextWrapWord},
		chart: usagechart.New(nil), summary: usageLabel(), byKind: &widget.Label{Text: "No usage recorded yet."},
		budget: &widget.ProgressBar{}}
	v.budget.Hide()
	// The same ratio as the summary's words: the bar's value stops at
	// the budget, its text does not ("636 % used" beside "100 %").
	v.budget.TextFormatter = func() string { return budgetText(v.used, v.budget.Max) }
	v.budgetC = container.NewThemeOverride(v.budget, theme.DefaultTheme())
	v.list = widget.NewList(func() int { return len(v.jobs) },
		func() fyne.CanvasObject {
			// The status column keeps one width, so the names line up.
			status := container.NewStack(fixedWidth(widget.NewLabel("completed").MinSize().Width), widget.NewLabel("completed"))
			return container.NewBorder(nil, nil, status, widget.NewLabel("channel"),
				&widget.Label{Text: "name", Truncation: fyne.TextTruncateEllipsis})
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.jobs) {
				return
			}
			a := v.jobs[i]
			c := o.(*fyne.Container)
			c.Objects[1].(*fyne.Container).Objects[1].(*widget.Label).SetText(string(a.Status))
			c.Objects[2].(*widget.Label).SetText(accountChannel(a))
			c.Objects[0].(*widget.Label).SetText(accountLine(a))
		})
	listArea := container.NewStack(v.list, v.empty)
	byKind := container.NewVBox(widget.NewLabelWithStyle("By kind, 30 days", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v.byKind)
	usage := widgets.NewBeside(320, v.chart, byKind)
	top := container.NewVBox(widget.NewLabelWithStyle("Usage, last 30 days: credits and pages a day", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		usage, container.NewBorder(nil, nil, nil, v.budgetC, v.summary), widget.NewSeparator(),
		widget.NewLabelWithStyle("Jobs from other clients on this account", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	v.obj = container.NewBorder(top, nil, nil, nil, listArea)
	return v
}

// accountLine is a job's row text: name, kind, when, pages, credits,
// metadata.
func accountLine(a jobs.AccountJob) string {
	parts := []string{a.Label()}
	if a.Kind != "" {
		parts = append(parts, string(a.Kind))
	}
	parts = append(parts, a.CreatedAt.Local().Format("2 Jan 15:04"))
	if a.Pages > 0 {
		parts = append(parts, fmt.Sprintf("%d pages", a.Pages))
	}
	if a.Credits != nil {
		parts = append(parts, usagechart.FormatCredits(*a.Credits)+" credits")
	}
	if len(a.Metadata) > 0 {
		parts = append(parts, string(a.Metadata))
	}
	if a.Error != "" {
		parts = append(parts, a.Error)
	}
	return strings.Join(parts, " · ")
}

func accountChannel(a jobs.AccountJob) string {
	switch {
	case len(a.Channels) > 0:
		return strings.Join(a.Channels, ", ")
	case a.Webhook == jobs.WebhookSvix:
		return "all channels"
	case a.Webhook != "":
		return string(a.Webhook)
	}
	return "—"
}

// Object is the tab's content.
func (v *AccountView) Object() fyne.CanvasObject { return v.obj }

// start reads the list and the usage and follows changes, once. One
// goroutine does every read in turn: two reads side by side could land on
// the main goroutine in the wrong order, the older list last.
func (v *AccountView) start() {
	if v.started || v.src == nil {
		v.showEmpty()
		return
	}
	v.started = true
	sub := v.src.SubscribeAccount()
	v.u.goBg(func(ctx context.Context) {
		defer sub.Close()
		v.reload(ctx)
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-sub.C():
				if !ok {
					return
				}
				// A burst (the catch-up at start) is one read.
				for pending := true; pending; {
					select {
					case _, ok := <-sub.C():
						if !ok {
							return
						}
					default:
						pending = false
					}
				}
				v.reload(ctx)
			}
		}
	})
}

// reload reads the jobs and the usage (off the main goroutine) and shows
// them.
func (v *AccountView) reload(ctx context.Context) {
	list, err := v.src.AccountJobs(ctx, accountListLimit)
	if err != nil {
		v.u.log.Warn("account jobs", "err", err)
	}
	now := v.u.cfg.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	from := today.AddDate(0, 0, -(usageDays - 1))
	u, uerr := v.src.Usage(ctx, from, today.AddDate(0, 0, 1))
	monthStart := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	month, merr := v.src.Usage(ctx, monthStart, monthStart.AddDate(0, 1, 0))
	budget := v.src.MonthlyBudget()
	v.u.do(func() {
		v.jobs = list
		v.list.Refresh()
		v.showEmpty()
		if uerr == nil && merr == nil {
			v.chart.SetDays(chartDays(u.Days(from, today)))
			if lines := usageBreakdown(u); len(lines) > 0 {
				v.byKind.SetText(strings.Join(lines, "\n"))
			}
			total := month.Total()
			v.summary.SetText(usageSummary(total, budget, now))
			if budget > 0 {
				v.used = total.Credits
				v.budget.Max, v.budget.Value = budget, min(total.Credits, budget)
				imp := budgetImportance(total.Credits, budget)
				v.budgetC.Theme = &importanceTheme{Theme: v.u.app.Settings().Theme(), imp: imp}
				v.summary.Importance = imp
				v.summary.Refresh()
				v.budget.Show()
				v.budgetC.Refresh()
			} else {
				v.budget.Hide()
			}
		}
	})
}

func (v *AccountView) showEmpty() {
	if len(v.jobs) == 0 {
		v.empty.Show()
		v.list.Hide()
	} else {
		v.empty.Hide()
		v.list.Show()
	}
}

// ShowAccount selects the Account tab. Main goroutine.
func (u *App) ShowAccount() {
	for _, t := range u.tabs.Items {
		if t.Text == "Account" {
			u.tabs.Select(t)
			return
		}
	}
}

// fixedWidth is an invisible object at least w wide, to give a column one
// width in every row.
func fixedWidth(w float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 1))
	return r
}

// budgetText is the bar's text: the share of the budget used, past 100 %
// when over it.
func budgetText(used, budget float64) string {
	pct := 100 * used / max(budget, 1e-9)
	if pct > 100 {
		return fmt.Sprintf("%.0f %% of the budget: over", pct)
	}
	return fmt.Sprintf("%.0f %% of the budget", pct)
}

// budgetImportance colours the budget: warning from 80 %, danger over it
// (the bar was the neutral blue at 636 %).
func budgetImportance(used, budget float64) widget.Importance {
	switch {
	case used > budget:
		return widget.DangerImportance
	case used >= 0.8*budget:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// importanceTheme draws a progress bar (which has no importance of its
// own) in the colour of imp, with a label that reads on both the filled
// part and the faded track (Fyne draws the track as the fill at half
// alpha, and white on it was 2.4:1).
type importanceTheme struct {
	fyne.Theme
	imp widget.Importance
}

// barColors are each variant's fill and label colours per importance.
var barColors = map[fyne.ThemeVariant]map[widget.Importance][2]color.Color{
	theme.VariantLight: {
		widget.MediumImportance:  {rgba(0x6d, 0x9e, 0xeb, 0xff), rgba(0x10, 0x10, 0x12, 0xff)},
		widget.WarningImportance: {rgba(0xf0, 0xa0, 0x40, 0xff), rgba(0x10, 0x10, 0x12, 0xff)},
		widget.DangerImportance:  {rgba(0xef, 0x7a, 0x72, 0xff), rgba(0x10, 0x10, 0x12, 0xff)},
	},
	theme.VariantDark: {
		widget.MediumImportance:  {rgba(0x3b, 0x6f, 0xd0, 0xff), rgba(0xff, 0xff, 0xff, 0xff)},
		widget.WarningImportance: {rgba(0x9a, 0x55, 0x00, 0xff), rgba(0xff, 0xff, 0xff, 0xff)},
		widget.DangerImportance:  {rgba(0xb8, 0x2a, 0x22, 0xff), rgba(0xff, 0xff, 0xff, 0xff)},
	},
}

func (t *importanceTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	c, ok := barColors[v][t.imp]
	switch {
	case ok && n == theme.ColorNamePrimary:
		return c[0]
	case ok && n == theme.ColorNameForegroundOnPrimary:
		return c[1]
	}
	return t.Theme.Color(n, v)
}
