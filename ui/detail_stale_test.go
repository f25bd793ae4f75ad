package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// slowLoads is a Backend whose Job, once armed, reads the job and then
// waits for release before answering: a load that read the job just
// before it changed.
type slowLoads struct {
	Backend
	armed   atomic.Bool
	read    chan struct{}
	release chan struct{}
}

func (b *slowLoads) Job(ctx context.Context, id int64) (jobs.Job, error) {
	j, err := b.Backend.Job(ctx, id)
	if b.armed.CompareAndSwap(true, false) {
		b.read <- struct{}{}
		<-b.release
	}
	return j, err
}

// TestDetailReloadsAJobThatChangedDuringItsLoad: a job that changes while
// the detail's load of it is under way (its event arrives before the
// load is in) is shown as it is now, not as the load read it.
func TestDetailReloadsAJobThatChangedDuringItsLoad(t *testing.T) {
	slow := &slowLoads{read: make(chan struct{}), release: make(chan struct{})}
	r := newRigWith(t, reductotest.Config{JobDuration: func(reductotest.Submission) time.Duration { return time.Hour }},
		func(r *rig, cfg *Config) { slow.Backend = cfg.Backend; cfg.Backend = slow })
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("slow.pdf"))) })
	var id int64
	r.eventually("the job pending", func() bool {
		js, _ := r.engine.List(context.Background(), jobs.Query{})
		if len(js) == 1 && js[0].Status == jobs.StatusPending {
			id = js[0].ID
		}
		return id != 0
	})
	d := r.u.detail
	slow.armed.Store(true)
	r.onMain(func() { d.Show(id) })
	<-slow.read // the load has read the job, pending
	if err := r.engine.Cancel(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	// The list and the detail take each batch of events together: once
	// the row says cancelled, the detail has had the event too.
	r.eventually("the cancel's event handled while the load waits", func() bool {
		row := r.u.list.rowAt(0)
		return row != nil && strings.Contains(row.Text(), string(jobs.StatusCancelled))
	})
	close(slow.release)
	r.eventually("the detail showing the job cancelled", func() bool {
		return d.shown && d.job.ID == id && d.job.Status == jobs.StatusCancelled && d.values["Status"].Text == string(jobs.StatusCancelled)
	})
}
