package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// fakeAccount is an AccountSource with jobs set by the test and a bus.
type fakeAccount struct {
	mu    sync.Mutex
	jobs  []jobs.AccountJob
	usage jobs.Usage
	bus   *jobs.Bus
}

func (f *fakeAccount) AccountMonitoring() bool { return true }
func (f *fakeAccount) AccountJobs(context.Context, int) ([]jobs.AccountJob, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]jobs.AccountJob(nil), f.jobs...), nil
}
func (f *fakeAccount) SubscribeAccount() *jobs.Subscription { return f.bus.Subscribe() }
func (f *fakeAccount) Usage(context.Context, time.Time, time.Time) (jobs.Usage, error) {
	return f.usage, nil
}
func (f *fakeAccount) MonthlyBudget() float64 { return 100 }

func (f *fakeAccount) add(a jobs.AccountJob) {
	f.mu.Lock()
	f.jobs = append([]jobs.AccountJob{a}, f.jobs...)
	f.mu.Unlock()
	f.bus.Publish(jobs.Event{Kind: jobs.EventChanged, Job: a.AsJob(), Account: true})
}

func TestAccountTabExplainsTheSettingThenListsJobsLive(t *testing.T) {
	now := time.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	fake := &fakeAccount{bus: jobs.NewBus(), usage: jobs.Usage{Rows: []jobs.UsageRow{
		{Day: today, Origin: "local", Kind: jobs.KindParse, Jobs: 2, Pages: 8, Credits: 8},
		{Day: today, Origin: "account", Kind: jobs.KindExtract, Jobs: 1, Pages: 3, Credits: 6},
	}}}
	r := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) { cfg.Account = fake })
	r.onMain(r.u.ShowAccount)
	var empty bool
	r.onMain(func() {
		empty = r.u.account.empty.Visible() && strings.Contains(r.u.account.empty.Text, "Monitor every job on this account")
	})
	if !empty {
		t.Fatal("the empty state does not explain the setting")
	}
	credits := 6.0
	fake.add(jobs.AccountJob{ID: 1, JobID: "abc123456789", Kind: jobs.KindExtract, Status: jobs.StatusCompleted,
		Name: "colleague.pdf", Channels: []string{"finance"}, Pages: 3, Credits: &credits, CreatedAt: now})
	r.eventually("the job listed and the summary", func() bool {
		return len(r.u.account.jobs) == 1 && r.u.account.summary.Text != ""
	})
	r.onMain(func() {
		if summary := r.u.account.summary.Text; !strings.Contains(summary, "14 credits, 11 pages") || !strings.Contains(summary, "budget 100, 14 % used") {
			t.Fatalf("summary %q", summary)
		}
	})
	r.onMain(func() {
		if r.u.account.empty.Visible() {
			t.Error("the empty state stays over the list")
		}
		row := r.u.account.list.CreateItem()
		r.u.account.list.UpdateItem(0, row)
		texts := collectLabels(row)
		if !strings.Contains(texts, "colleague.pdf") || !strings.Contains(texts, "finance") || !strings.Contains(texts, "completed") {
			t.Errorf("row %q", texts)
		}
	})
}

func collectLabels(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + " | ")
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}
