package receiver

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"github.com/reductotray/reducto-tray/jobs"
)

// Limits on the identifying fields of a payload: Reducto job ids are UUIDs
// and statuses short words, and both end up in the durable delivery log, so
// a body made of one enormous job_id is not a Reducto payload.
const (
	maxJobIDLen  = 256
	maxStatusLen = 64
)

var errTooLarge = errors.New("body too large")

// bufPool recycles body buffers: the body is only needed until it is
// verified and parsed (metadata is copied out by json.Unmarshal).
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// serveSvix handles POST /webhooks/svix.
func (s *Server) serveSvix(w http.ResponseWriter, r *http.Request) {
	s.withBody(w, r, func(body []byte) {
		if err := s.verifier.verify(body, r.Header); err != nil {
			reason := ReasonSignature
			if errors.Is(err, errNoSecret) {
				reason = ReasonNoSecret
			}
			s.counters.reject(reason)
			s.log.Debug("svix delivery refused", "reason", reason, "err", err, "remote", r.RemoteAddr)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		p, err := parsePayload(body)
		if err != nil {
			s.badPayload(w, err)
			return
		}
		id, _, _ := svixHeaders(r.Header)
		s.accept(w, jobs.Delivery{ID: id, JobID: p.JobID, Status: p.Status, Metadata: p.Metadata, Source: jobs.WebhookSvix})
	})
}

// serveDirect handles POST /webhooks/direct/{token}.
func (s *Server) serveDirect(w http.ResponseWriter, r *http.Request, token string) {
	want := s.cfg.DirectToken
	// ConstantTimeCompare returns early only on a length mismatch, which
	// reveals the length of a random token and nothing else.
	if want == "" || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		s.counters.reject(ReasonNotFound)
		http.NotFound(w, r)
		return
	}
	s.withBody(w, r, func(body []byte) {
		p, err := parsePayload(body)
		if err != nil {
			s.badPayload(w, err)
			return
		}
		s.accept(w, jobs.Delivery{
			ID:       "direct:" + p.JobID + ":" + p.Status,
			JobID:    p.JobID,
			Status:   p.Status,
			Metadata: p.Metadata,
			Source:   jobs.WebhookDirect,
		})
	})
}

// withBody runs handle with the request's raw body (at most MaxBodyBytes)
// while the server counts the request as in progress, so Shutdown waits
// for it. The body is only valid during handle.
func (s *Server) withBody(w http.ResponseWriter, r *http.Request, handle func(body []byte)) {
	if !s.enter() {
		s.unavailable(w, ReasonShuttingDown)
		return
	}
	defer s.leave()
	buf, err := readBody(w, r)
	if buf != nil {
		defer bufPool.Put(buf)
	}
	if err != nil {
		s.readFailed(w, err)
		return
	}
	handle(buf.Bytes())
}

// accept runs the durable part for an authentic delivery: reserve a queue
// slot, record the id (group commit), then queue a fresh delivery or give
// the slot back for a duplicate. It answers 204 only after the id is on
// disk.
func (s *Server) accept(w http.ResponseWriter, d jobs.Delivery) {
	if !s.queue.reserve() {
		s.counters.queueFull.Add(1)
		// One warning per episode: a burst must not flood the log.
		if s.queueFullLogged.CompareAndSwap(false, true) {
			s.log.Warn("engine queue full; answering 503 so senders retry", "queue", s.queue.cap())
		}
		s.retryLater(w)
		return
	}
	if s.queueFullLogged.CompareAndSwap(true, false) {
		s.log.Info("engine queue has room again")
	}
	fresh, err := s.batcher.record(d.ID)
	if err != nil {
		// The batcher logged the failure once for the whole batch.
		s.queue.release()
		s.log.Debug("delivery not recorded; answering 503", "delivery", d.ID)
		s.unavailable(w, ReasonStoreError)
		return
	}
	if !fresh {
		s.queue.release()
		s.counters.duplicates.Add(1)
		s.log.Debug("duplicate delivery", "delivery", d.ID, "job_id", d.JobID)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.queue.push(d)
	s.counters.accepted.Add(1)
	w.WriteHeader(http.StatusNoContent)
}

// readBody reads the whole body, refusing more than MaxBodyBytes. The
// returned buffer, when not nil, goes back to bufPool after use.
func readBody(w http.ResponseWriter, r *http.Request) (*bytes.Buffer, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, errTooLarge
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return buf, errTooLarge
	}
	if err != nil {
		return buf, err
	}
	return buf, nil
}

func (s *Server) readFailed(w http.ResponseWriter, err error) {
	if errors.Is(err, errTooLarge) {
		s.counters.reject(ReasonTooLarge)
		http.Error(w, "body over 1 MiB", http.StatusRequestEntityTooLarge)
		return
	}
	// The client went away or sent a broken body: nothing was verified, so
	// treat it as an unreadable payload.
	s.counters.reject(ReasonPayload)
	s.log.Debug("webhook body unreadable", "err", err)
	http.Error(w, "unreadable body", http.StatusBadRequest)
}

func (s *Server) badPayload(w http.ResponseWriter, err error) {
	s.counters.reject(ReasonPayload)
	s.log.Debug("webhook is not a Reducto payload", "err", err)
	http.Error(w, "not a Reducto webhook payload", http.StatusBadRequest)
}

func (s *Server) unavailable(w http.ResponseWriter, reason string) {
	s.counters.reject(reason)
	s.retryLater(w)
}

func (s *Server) retryLater(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(int(s.cfg.RetryAfter.Seconds()+0.5)))
	http.Error(w, "busy, retry later", http.StatusServiceUnavailable)
}

// payload is Reducto's webhook body: {"status","job_id","metadata"}.
type payload struct {
	Status   string          `json:"status"`
	JobID    string          `json:"job_id"`
	Metadata json.RawMessage `json:"metadata"`
}

var (
	errNoJobID  = errors.New("missing job_id")
	errNoStatus = errors.New("missing status")
	errLongID   = errors.New("job_id or status too long")
)

func parsePayload(body []byte) (payload, error) {
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		return payload{}, err
	}
	switch {
	case p.JobID == "":
		return payload{}, errNoJobID
	case p.Status == "":
		return payload{}, errNoStatus
	case len(p.JobID) > maxJobIDLen || len(p.Status) > maxStatusLen:
		return payload{}, errLongID
	}
	return p, nil
}
