package receiver

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/reductotray/reducto-tray/jobs"
)

// queue is the bounded hand-off between handlers and the Sink. A handler
// reserves a slot before recording the delivery id, so once an id is
// recorded its delivery is certain to fit: nothing recorded is dropped, and
// a delivery refused for lack of room is not recorded, so its retry counts.
type queue struct {
	slots chan struct{} // one token per reserved or queued delivery
	items chan jobs.Delivery
	wg    sync.WaitGroup
}

func newQueue(size int) *queue {
	return &queue{
		slots: make(chan struct{}, size),
		items: make(chan jobs.Delivery, size),
	}
}

// reserve takes a slot if one is free.
func (q *queue) reserve() bool {
	select {
	case q.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// release gives back a reserved slot that will not be used.
func (q *queue) release() { <-q.slots }

// push enqueues d into the slot reserved for it; it never blocks.
func (q *queue) push(d jobs.Delivery) { q.items <- d }

func (q *queue) len() int { return len(q.items) }
func (q *queue) cap() int { return cap(q.items) }

// start runs n workers handing deliveries to sink until close.
func (q *queue) start(ctx context.Context, n int, sink Sink, log *slog.Logger, c *counters) {
	for range n {
		q.wg.Add(1)
		go func() {
			defer q.wg.Done()
			for d := range q.items {
				<-q.slots
				deliver(ctx, sink, d, log, c)
			}
		}()
	}
}

// close lets the workers finish what is queued and waits for them.
func (q *queue) close() {
	close(q.items)
	q.wg.Wait()
}

func deliver(ctx context.Context, sink Sink, d jobs.Delivery, log *slog.Logger, c *counters) {
	defer func() {
		// A panicking engine must not take the receiver down with it; the
		// delivery is logged and the background reconcile recovers the job.
		if p := recover(); p != nil {
			c.sinkErrors.Add(1)
			log.Error("webhook sink panicked", "delivery", d.ID, "job_id", d.JobID, "panic", p)
		}
	}()
	err := sink.HandleWebhook(ctx, d)
	// The outcome is counted before handled: whoever sees a delivery
	// handled (Stats, a test waiting on it) also sees how it ended.
	defer c.handled.Add(1)
	switch {
	case err == nil:
	case errors.Is(err, jobs.ErrUnknownJob):
		c.unknown.Add(1)
		log.Debug("webhook for a job this install does not know", "delivery", d.ID, "job_id", d.JobID)
	default:
		c.sinkErrors.Add(1)
		log.Warn("webhook not applied", "delivery", d.ID, "job_id", d.JobID, "status", d.Status, "err", err)
	}
}
