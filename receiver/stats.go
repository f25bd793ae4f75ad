package receiver

import "sync/atomic"

// Reasons a request is rejected, as counted in Stats.Rejected.
const (
	ReasonSignature    = "signature"     // 401: bad, missing or stale Svix signature
	ReasonNoSecret     = "no_secret"     // 401: no (valid) Svix secret configured
	ReasonPayload      = "payload"       // 400: authentic but not a Reducto payload
	ReasonTooLarge     = "too_large"     // 413: body over MaxBodyBytes
	ReasonNotFound     = "not_found"     // 404: unknown path or wrong direct token
	ReasonMethod       = "method"        // 405: wrong method on a known path
	ReasonStoreError   = "store_error"   // 503: the delivery log failed
	ReasonShuttingDown = "shutting_down" // 503: the receiver is closing
	ReasonBusy         = "busy"          // 503: MaxInFlight webhook requests already in progress
	ReasonHost         = "host"          // 421: /healthz asked under a name the receiver does not answer to
)

var reasons = []string{ReasonSignature, ReasonNoSecret, ReasonPayload, ReasonTooLarge,
	ReasonNotFound, ReasonMethod, ReasonStoreError, ReasonShuttingDown, ReasonBusy, ReasonHost}

// Stats is a snapshot of what the receiver has done since it started.
// Every webhook request ends in exactly one of Accepted, Duplicates,
// QueueFull or one Rejected reason.
type Stats struct {
	Accepted    uint64            `json:"accepted"`     // fresh deliveries queued for the engine
	Duplicates  uint64            `json:"duplicates"`   // deliveries already recorded (204, no Sink call)
	QueueFull   uint64            `json:"queue_full"`   // 503s because the engine queue was full
	Rejected    map[string]uint64 `json:"rejected"`     // by reason (Reason* constants)
	Handled     uint64            `json:"handled"`      // Sink calls finished
	SinkErrors  uint64            `json:"sink_errors"`  // Sink calls that failed (unknown jobs excluded)
	Unknown     uint64            `json:"unknown_jobs"` // Sink calls answered jobs.ErrUnknownJob
	Batches     uint64            `json:"batches"`      // RecordDeliveries calls
	QueueLen    int               `json:"queue_len"`    // deliveries waiting for a worker now
	QueueCap    int               `json:"queue_cap"`
	InFlight    int               `json:"in_flight"`     // webhook requests being read or handled now
	InFlightCap int               `json:"in_flight_cap"` // Config.MaxInFlight
	LogWritten  uint64            `json:"log_written"`   // delivery log records written
	LogDropped  uint64            `json:"log_dropped"`   // delivery log records lost: a flood outran the writer, or a write failed
	// ForwardsDropped counts forwards given up unsent because the log's
	// size cap took their record (each also recorded in the log).
	ForwardsDropped uint64 `json:"forwards_dropped"`
}

type counters struct {
	accepted, duplicates, queueFull       atomic.Uint64
	handled, sinkErrors, unknown, batches atomic.Uint64
	rejected                              map[string]*atomic.Uint64
}

func newCounters() *counters {
	c := &counters{rejected: make(map[string]*atomic.Uint64, len(reasons))}
	for _, r := range reasons {
		c.rejected[r] = new(atomic.Uint64)
	}
	return c
}

func (c *counters) reject(reason string) { c.rejected[reason].Add(1) }

// Stats returns a snapshot of the receiver's counters.
func (s *Server) Stats() Stats {
	c := s.counters
	st := Stats{
		Accepted:    c.accepted.Load(),
		Duplicates:  c.duplicates.Load(),
		QueueFull:   c.queueFull.Load(),
		Handled:     c.handled.Load(),
		SinkErrors:  c.sinkErrors.Load(),
		Unknown:     c.unknown.Load(),
		Batches:     c.batches.Load(),
		Rejected:    make(map[string]uint64, len(reasons)),
		QueueLen:    s.queue.len(),
		QueueCap:    s.queue.cap(),
		InFlight:    s.limit.inUse(),
		InFlightCap: s.limit.cap(),
	}
	if s.logw != nil {
		st.LogWritten, st.LogDropped = s.logw.written.Load(), s.logw.dropped.Load()
		st.ForwardsDropped = s.logw.forwardsDropped.Load()
	}
	for r, n := range c.rejected {
		st.Rejected[r] = n.Load()
	}
	return st
}
