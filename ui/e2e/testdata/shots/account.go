package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// cannedAccount is account monitoring with a few jobs from other clients
// and 30 days of usage, local and the account's, with a budget.
type cannedAccount struct {
	jobs  []jobs.AccountJob
	usage jobs.Usage
	bus   *jobs.Bus
}

func newCannedAccount() *cannedAccount {
	now := time.Now()
	credits := func(c float64) *float64 { return &c }
	done := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	a := &cannedAccount{bus: jobs.NewBus(), jobs: []jobs.AccountJob{
		{ID: 5, JobID: "b41c9e2f-7d1a-4c3b-8f6e-2a9d0c7e1b54", Kind: jobs.KindParse, Status: jobs.StatusPending,
			Name: "board minutes 2026-05.pdf", Channels: []string{"legal"}, Webhook: jobs.WebhookSvix, SeenVia: "svix",
			CreatedAt: now.Add(-2 * time.Minute), UpdatedAt: now.Add(-2 * time.Minute)},
		{ID: 4, JobID: "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b", Kind: jobs.KindExtract, Status: jobs.StatusCompleted,
			Name: "PO-88213.pdf", Channels: []string{"finance"}, Webhook: jobs.WebhookSvix, SeenVia: "relay",
			Metadata: json.RawMessage(`{"source":"erp-sync"}`), Pages: 3, Credits: credits(6),
			CreatedAt: now.Add(-14 * time.Minute), UpdatedAt: now.Add(-13 * time.Minute), CompletedAt: done(13 * time.Minute)},
		{ID: 3, JobID: "3f2e1d0c-9b8a-4f7e-8d6c-5b4a3f2e1d0c", Kind: jobs.KindParse, Status: jobs.StatusFailed,
			Name: "scan_0412.tiff", Webhook: jobs.WebhookNone, SeenVia: "list", Error: "the document has no readable pages",
			CreatedAt: now.Add(-50 * time.Minute), UpdatedAt: now.Add(-49 * time.Minute), CompletedAt: done(49 * time.Minute)},
		{ID: 2, JobID: "c0ffee00-1234-4abc-9def-0123456789ab", Kind: jobs.KindSplit, Status: jobs.StatusCompleted,
			Name: "contract bundle.pdf", Channels: []string{"legal"}, Webhook: jobs.WebhookSvix, SeenVia: "svix", Pages: 41, Credits: credits(41),
			CreatedAt: now.Add(-3 * time.Hour), UpdatedAt: now.Add(-3 * time.Hour), CompletedAt: done(3 * time.Hour)},
		{ID: 1, JobID: "d00dfeed-4321-4cba-8fed-ba9876543210", Kind: jobs.KindParse, Status: jobs.StatusCompleted,
			Webhook: jobs.WebhookNone, SeenVia: "list", Pages: 12, Credits: credits(12),
			CreatedAt: now.Add(-26 * time.Hour), UpdatedAt: now.Add(-26 * time.Hour), CompletedAt: done(26 * time.Hour)},
	}}
	// A working month: weekdays busy, weekends quiet, one big batch.
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	for i := 0; i < 30; i++ {
		day := today.AddDate(0, 0, -i)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		n := int64(4 + (i*7)%11)
		a.usage.Rows = append(a.usage.Rows,
			jobs.UsageRow{Day: day, Origin: jobs.OriginLocal, Kind: jobs.KindExtract, Preset: "invoices", Jobs: int(n), Pages: 2 * n, Credits: float64(4 * n)},
			jobs.UsageRow{Day: day, Origin: jobs.OriginLocal, Kind: jobs.KindParse, Jobs: 2, Pages: 6 + n, Credits: float64(6 + n)})
		if i%3 == 0 {
			a.usage.Rows = append(a.usage.Rows, jobs.UsageRow{Day: day, Origin: jobs.OriginAccount, Kind: jobs.KindSplit, Jobs: 1, Pages: 20 + n, Credits: float64(20 + n)})
		}
		if i == 8 {
			a.usage.Rows = append(a.usage.Rows, jobs.UsageRow{Day: day, Origin: jobs.OriginLocal, Kind: jobs.KindParse, Preset: "contracts (split)", Jobs: 30, Pages: 310, Credits: 155})
		}
	}
	return a
}

func (a *cannedAccount) AccountMonitoring() bool { return true }
func (a *cannedAccount) AccountJobs(context.Context, int) ([]jobs.AccountJob, error) {
	return a.jobs, nil
}
func (a *cannedAccount) SubscribeAccount() *jobs.Subscription { return a.bus.Subscribe() }

// Usage returns the rows of [from, to), as the store's query does.
func (a *cannedAccount) Usage(_ context.Context, from, to time.Time) (jobs.Usage, error) {
	var u jobs.Usage
	for _, r := range a.usage.Rows {
		if !r.Day.Before(from) && r.Day.Before(to) {
			u.Rows = append(u.Rows, r)
		}
	}
	return u, nil
}
func (a *cannedAccount) MonthlyBudget() float64 { return 1500 }
