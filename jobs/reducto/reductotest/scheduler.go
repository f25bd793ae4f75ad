package reductotest

import (
	"container/heap"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs/clock"
)

// scheduler runs functions at clock times with a single timer, so any
// number of pending completions and webhook retries costs one sleeping
// goroutine.
type scheduler struct {
	clk  clock.Clock
	mu   sync.Mutex
	h    eventHeap
	wake chan struct{}
}

type event struct {
	at time.Time
	fn func()
}

type eventHeap []*event

func (h eventHeap) Len() int           { return len(h) }
func (h eventHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h eventHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)        { *h = append(*h, x.(*event)) }
func (h *eventHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

func newScheduler(clk clock.Clock) *scheduler {
	return &scheduler{clk: clk, wake: make(chan struct{}, 1)}
}

// add runs fn at (or soon after) at; fn runs on the scheduler's goroutine
// and must not block.
func (sc *scheduler) add(at time.Time, fn func()) {
	sc.mu.Lock()
	heap.Push(&sc.h, &event{at: at, fn: fn})
	sc.mu.Unlock()
	select {
	case sc.wake <- struct{}{}:
	default:
	}
}

// pending reports how many events wait.
func (sc *scheduler) pending() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return len(sc.h)
}

func (sc *scheduler) run(stop <-chan struct{}) {
	timer := sc.clk.NewTimer(time.Hour)
	timer.Stop()
	for {
		now := sc.clk.Now()
		sc.mu.Lock()
		var due []*event
		for len(sc.h) > 0 && !sc.h[0].at.After(now) {
			due = append(due, heap.Pop(&sc.h).(*event))
		}
		wait := time.Duration(-1)
		if len(sc.h) > 0 {
			wait = sc.h[0].at.Sub(now)
		}
		sc.mu.Unlock()
		for _, e := range due {
			e.fn()
		}
		if len(due) > 0 {
			continue
		}
		if wait < 0 {
			select {
			case <-sc.wake:
			case <-stop:
				return
			}
			continue
		}
		timer.Reset(wait)
		select {
		case <-timer.C():
		case <-sc.wake:
		case <-stop:
			timer.Stop()
			return
		}
		timer.Stop()
	}
}
