package jobs

import "sync"

// Bus fans engine events out to subscribers. Publishing never blocks: each
// subscriber has its own queue drained by its own goroutine, and progress
// events for a job that has not been delivered yet are replaced by newer
// ones, so a slow subscriber costs memory bounded by the number of jobs
// moving, never the engine's time.
type Bus struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// NewBus returns a bus with no subscribers.
func NewBus() *Bus { return &Bus{subs: make(map[*Subscription]struct{})} }

// Publish hands ev to every subscriber without blocking.
func (b *Bus) Publish(ev Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		s.push(ev)
	}
}

// Subscribe returns a new subscription; call its Close when done.
func (b *Bus) Subscribe() *Subscription {
	s := &Subscription{
		c:      make(chan Event),
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		latest: make(map[int64]int),
		bus:    b,
	}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go s.pump()
	return s
}

func (b *Bus) remove(s *Subscription) {
	b.mu.Lock()
	delete(b.subs, s)
	b.mu.Unlock()
}

// Subscription delivers engine events in the order they happened. Status
// changes are never dropped; consecutive progress events of one job may be
// merged into the latest.
type Subscription struct {
	c    chan Event
	wake chan struct{}
	done chan struct{}
	bus  *Bus
	once sync.Once

	mu     sync.Mutex
	queue  []Event
	latest map[int64]int // job id -> index in queue of its pending progress event
}

// C is the channel events arrive on; it is closed after Close.
func (s *Subscription) C() <-chan Event { return s.c }

// Close ends the subscription and releases its goroutine.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.bus.remove(s)
		close(s.done)
	})
}

func (s *Subscription) push(ev Event) {
	s.mu.Lock()
	if ev.Kind == EventProgress {
		if i, ok := s.latest[ev.Job.ID]; ok {
			s.queue[i] = ev
			s.mu.Unlock()
			return
		}
		s.latest[ev.Job.ID] = len(s.queue)
	}
	s.queue = append(s.queue, ev)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Subscription) pump() {
	defer close(s.c)
	for {
		s.mu.Lock()
		batch := s.queue
		s.queue = nil
		clear(s.latest)
		s.mu.Unlock()
		for _, ev := range batch {
			select {
			case s.c <- ev:
			case <-s.done:
				return
			}
		}
		select {
		case <-s.wake:
		case <-s.done:
			return
		}
	}
}
