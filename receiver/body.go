package receiver

import (
	"bytes"
	"errors"
	"net/http"
	"time"
)

// Defaults for the limits on webhook requests in progress.
const (
	// defaultMaxInFlight caps webhook requests between the header checks
	// and the answer. Each may hold up to MaxBodyBytes, but only as much as
	// its client really sent; 128 is far above what Svix or Reducto send at
	// once to one endpoint (and the 16 senders of BenchmarkReceiver).
	defaultMaxInFlight = 128
	// bodyTimeout bounds reading one body. Svix wants an answer within 15 s
	// and senders post a small body at once, so a body still arriving after
	// 10 s is a client holding a slot, not a delivery.
	bodyTimeout = 10 * time.Second
	// keepBufferBytes is the largest buffer kept for reuse. Reducto's
	// payloads are well under 1 KiB; a buffer grown by a rare large body
	// goes to the garbage collector instead of being pinned in the pool.
	keepBufferBytes = 16 << 10
)

var errTooLarge = errors.New("body too large")

// bodyPool is a bounded free list of body buffers. Unlike a sync.Pool it
// never holds more than cap(free) buffers of at most keepBufferBytes each,
// so what it retains is bounded whatever the traffic was.
type bodyPool struct {
	free chan *bytes.Buffer
}

func newBodyPool(n int) *bodyPool {
	return &bodyPool{free: make(chan *bytes.Buffer, n)}
}

func (p *bodyPool) get() *bytes.Buffer {
	select {
	case b := <-p.free:
		return b
	default:
		return new(bytes.Buffer)
	}
}

func (p *bodyPool) put(b *bytes.Buffer) {
	if b.Cap() > keepBufferBytes {
		return
	}
	b.Reset()
	select {
	case p.free <- b:
	default:
	}
}

// limiter is the cap on webhook requests in progress: a counting
// semaphore that refuses rather than queues, so a flood of clients costs a
// 503 each instead of a growing line of goroutines and buffers.
type limiter struct {
	slots chan struct{}
}

func newLimiter(n int) *limiter { return &limiter{slots: make(chan struct{}, n)} }

func (l *limiter) tryAcquire() bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (l *limiter) release()   { <-l.slots }
func (l *limiter) inUse() int { return len(l.slots) }
func (l *limiter) cap() int   { return cap(l.slots) }

// readBody reads the whole body into a buffer from pool, refusing more than
// MaxBodyBytes. The buffer grows only as bytes arrive: the declared
// Content-Length is a claim by an unauthenticated client, so it is never
// used to size anything. The returned buffer, when not nil, goes back to
// pool after use.
func readBody(w http.ResponseWriter, r *http.Request, pool *bodyPool) (*bytes.Buffer, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, errTooLarge
	}
	// Not supported for in-process requests (the relay); those bodies are
	// already in memory, so there is nothing to wait for.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyTimeout))
	buf := pool.get()
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return buf, errTooLarge
	}
	return buf, err
}
