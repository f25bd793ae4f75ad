package webhooksview

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// fakeDeliveries stands in for the core's delivery log: records kept
// newest first, filtered and paged as the store does, and the calls the
// view makes.
type fakeDeliveries struct {
	mu       sync.Mutex
	recs     []jobs.DeliveryRecord // newest first
	filters  []jobs.DeliveryFilter
	replayed []int64
	ranges   [][2]time.Time // ReplayRange's since and until
	rerun    []int64
	outcome  RerunOutcome
	steps    []SelfTestStep
	stepErr  error
	jobIDs   map[string]int64
	ch       chan struct{}
	// noTargets: no forward target is in force (ForwardTargets is empty).
	noTargets bool
}

func (f *fakeDeliveries) ForwardTargets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noTargets {
		return nil
	}
	return []string{"http://localhost:3000/webhooks"}
}

func newFakeDeliveries(recs ...jobs.DeliveryRecord) *fakeDeliveries {
	return &fakeDeliveries{recs: recs, ch: make(chan struct{}, 1), jobIDs: map[string]int64{}}
}

func (f *fakeDeliveries) List(_ context.Context, flt jobs.DeliveryFilter) ([]jobs.DeliveryRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, flt)
	limit := flt.Limit
	if limit == 0 {
		limit = 200
	}
	var out []jobs.DeliveryRecord
	for _, r := range f.recs {
		if (flt.Verdict != "" && r.Verdict != flt.Verdict) || (flt.Via != "" && r.Via != flt.Via) ||
			(flt.BeforeSeq != 0 && r.Seq >= flt.BeforeSeq) {
			continue
		}
		if len(out) == limit {
			break
		}
		// Listings carry no headers or bodies, as the store's.
		r.Headers, r.Body = nil, nil
		out = append(out, r)
	}
	return out, nil
}

func (f *fakeDeliveries) Get(_ context.Context, seq int64) (jobs.DeliveryRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.recs {
		if r.Seq == seq {
			return r, nil
		}
	}
	return jobs.DeliveryRecord{}, jobs.ErrNotFound
}

func (f *fakeDeliveries) Changes() <-chan struct{} { return f.ch }

func (f *fakeDeliveries) Replay(_ context.Context, seq int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replayed = append(f.replayed, seq)
	return nil
}

func (f *fakeDeliveries) ReplayRange(_ context.Context, since, until time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ranges = append(f.ranges, [2]time.Time{since, until})
	n := 0
	for _, r := range f.recs {
		if r.Body != nil && !r.ReceivedAt.Before(since) && (until.IsZero() || r.ReceivedAt.Before(until)) {
			n++
		}
	}
	return n, nil
}

func (f *fakeDeliveries) Rerun(_ context.Context, seq int64) (RerunOutcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rerun = append(f.rerun, seq)
	return f.outcome, nil
}

func (f *fakeDeliveries) SelfTest(context.Context) ([]SelfTestStep, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.steps), f.stepErr
}

func (f *fakeDeliveries) JobID(_ context.Context, jobID string) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id, ok := f.jobIDs[jobID]; ok {
		return id, nil
	}
	return 0, jobs.ErrNotFound
}

// add records a new delivery at the top and ticks, as the receiver does.
func (f *fakeDeliveries) add(r jobs.DeliveryRecord) {
	f.mu.Lock()
	f.recs = append([]jobs.DeliveryRecord{r}, f.recs...)
	f.mu.Unlock()
	f.tick()
}

// setForwards changes record seq's forwards and ticks.
func (f *fakeDeliveries) setForwards(seq int64, fw []jobs.Forward) {
	f.mu.Lock()
	for i := range f.recs {
		if f.recs[i].Seq == seq {
			f.recs[i].Forwards = fw
		}
	}
	f.mu.Unlock()
	f.tick()
}

func (f *fakeDeliveries) tick() {
	select {
	case f.ch <- struct{}{}:
	default:
	}
}

func (f *fakeDeliveries) calls() (replayed, rerun []int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.replayed), slices.Clone(f.rerun)
}

func (f *fakeDeliveries) lastFilter() jobs.DeliveryFilter {
	f.mu.Lock()
	defer f.mu.Unlock()
	// The newest filter that is not the "last delivery" probe.
	for i := len(f.filters) - 1; i >= 0; i-- {
		if f.filters[i].Limit != 1 {
			return f.filters[i]
		}
	}
	return jobs.DeliveryFilter{}
}
