package reductotest

import (
	"net/http"
	"strings"
	"time"
)

// DropMode says when an injected fault closes the connection unanswered.
type DropMode int

// Drop modes.
const (
	// NoDrop answers normally (or with the fault's Status).
	NoDrop DropMode = iota
	// DropBefore closes the connection before the request has any effect.
	DropBefore
	// DropAfter handles the request fully (a submission creates its job)
	// and then closes the connection without answering, so the client
	// sees an ambiguous error: the case crash-safe submission must handle.
	DropAfter
)

// Fault is misbehaviour injected for the next Count matching requests.
type Fault struct {
	// PathPrefix limits the fault to paths with this prefix, e.g.
	// "/parse_async" or "/job/"; empty matches every API path (not
	// /result/ and /presigned/, which in reality are another host).
	PathPrefix string
	// Method limits the fault to one HTTP method; empty matches all.
	Method string
	// Count is how many requests the fault applies to.
	Count int
	// Status, when non-zero, answers with this status instead of handling
	// the request (429 gets Reducto's rate-limit body and RetryAfter).
	Status int
	// RetryAfter is sent as Retry-After with a 429 or 503 Status.
	RetryAfter time.Duration
	// Drop closes the connection instead of answering.
	Drop DropMode
}

// Inject queues a fault; faults are consumed in the order injected.
func (s *Server) Inject(f Fault) {
	if f.Count <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Inject429 answers the next n API requests with 429 and Retry-After.
func (s *Server) Inject429(n int, retryAfter time.Duration) {
	s.Inject(Fault{Count: n, Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
}

// Inject5xx answers the next n API requests with status (500-599).
func (s *Server) Inject5xx(n int, status int) {
	s.Inject(Fault{Count: n, Status: status})
}

// DropConnections closes the connection of the next n API requests without
// answering, after handling them (a submission's job exists).
func (s *Server) DropConnections(n int) {
	s.Inject(Fault{Count: n, Drop: DropAfter})
}

// ClearFaults removes every pending injected fault and FailNext, and
// turns flaky mode off.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.failNext = nil
	s.flaky = flakyState{}
}

func isSideChannel(path string) bool {
	return strings.HasPrefix(path, "/result/") || strings.HasPrefix(path, "/presigned/")
}

// takeFault consumes the first queued fault matching r, or else asks
// flaky mode.
func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.takeQueuedLocked(r); f != nil {
		return f
	}
	return s.flakyFaultLocked(r, s.clk.Now())
}

// takeQueuedLocked consumes the first fault queued by Inject matching r.
func (s *Server) takeQueuedLocked(r *http.Request) *Fault {
	for i, f := range s.faults {
		if f.Method != "" && f.Method != r.Method {
			continue
		}
		if f.PathPrefix == "" && isSideChannel(r.URL.Path) {
			continue
		}
		if !strings.HasPrefix(r.URL.Path, f.PathPrefix) {
			continue
		}
		c := *f
		f.Count--
		if f.Count <= 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return &c
	}
	return nil
}

// answerFault writes an injected error status.
func (s *Server) answerFault(w http.ResponseWriter, f *Fault) {
	ms := f.RetryAfter.Milliseconds()
	switch {
	case f.Status == http.StatusTooManyRequests:
		writeRateLimited(w, "[CODE 1000] rate limit exceeded, retry with exponential backoff", ms)
	case f.Status >= 500:
		if ms > 0 {
			w.Header().Set("Retry-After", itoa((ms+999)/1000))
		}
		msg := http.StatusText(f.Status) + " (injected by reductotest)"
		if s.cfg.ErrorObjects {
			s.writeError(w, f.Status, "ServiceUnavailable", msg)
		} else {
			writeAppError(w, f.Status, "server_error", msg)
		}
	default:
		writeDetail(w, f.Status, http.StatusText(f.Status))
	}
}

// hijackClose closes the client's connection without a response.
func hijackClose(w http.ResponseWriter) bool {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}
