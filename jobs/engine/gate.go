package engine

import (
	"context"
	"sync"
)

// gate bounds how many uploads run at once. Unlike a buffered channel its
// limit can change while the app runs (the settings' upload concurrency).
type gate struct {
	mu      sync.Mutex
	limit   int
	running int
	waiters []chan struct{}
}

func newGate(limit int) *gate { return &gate{limit: max(limit, 1)} }

func (g *gate) acquire(ctx context.Context) error {
	g.mu.Lock()
	if g.running < g.limit {
		g.running++
		g.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	g.waiters = append(g.waiters, ch)
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		for i, w := range g.waiters {
			if w == ch {
				g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
				g.mu.Unlock()
				return ctx.Err()
			}
		}
		g.mu.Unlock()
		// Handed a slot as we gave up: pass it on.
		g.release()
		return ctx.Err()
	}
}

func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
	g.admit()
}

func (g *gate) setLimit(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.limit = max(n, 1)
	g.admit()
}

// admit hands free slots to waiters in arrival order; g.mu is held.
func (g *gate) admit() {
	for g.running < g.limit && len(g.waiters) > 0 {
		ch := g.waiters[0]
		g.waiters = g.waiters[1:]
		g.running++
		close(ch)
	}
}
