package receiver

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// Limits on the identifying fields of a payload: Reducto job ids are UUIDs
// and statuses short words, and both end up in the durable delivery log, so
// a body made of one enormous job_id is not a Reducto payload.
const (
	maxJobIDLen  = 256
	maxStatusLen = 64
)

// serveSvix handles POST /webhooks/svix. Everything that can be decided
// from the headers (declared size, secret, signature headers, timestamp)
// is decided before a byte of the body is read.
func (s *Server) serveSvix(w http.ResponseWriter, r *http.Request) {
	x := s.newExchange(r, viaOf(r))
	x.id = deliveryID(r.Header)
	if r.ContentLength > MaxBodyBytes {
		s.readFailed(w, x, errTooLarge)
		return
	}
	wh, err := s.verifier.precheck(r.Header)
	if err != nil {
		s.unauthorized(w, x, err)
		return
	}
	s.withBody(w, x, func(body []byte) {
		if err := verify(wh, body, r.Header); err != nil {
			s.unauthorized(w, x, err)
			return
		}
		p, err := parsePayload(body)
		if err != nil {
			s.badPayload(w, x, err)
			return
		}
		x.jobID, x.status = p.JobID, p.Status
		s.accept(w, x, jobs.Delivery{ID: x.id, JobID: p.JobID, Status: p.Status, Metadata: p.Metadata, Source: jobs.WebhookSvix})
	})
}

// unauthorized answers 401 for a Svix delivery that is not authentic.
func (s *Server) unauthorized(w http.ResponseWriter, x *exchange, err error) {
	reason := ReasonSignature
	if errors.Is(err, errNoSecret) {
		reason = ReasonNoSecret
	}
	s.counters.reject(reason)
	s.log.Debug("svix delivery refused", "reason", reason, "err", err, "remote", x.r.RemoteAddr)
	verdict, words := explain(err)
	s.note(x, verdict, http.StatusUnauthorized, words)
	http.Error(w, "invalid signature", http.StatusUnauthorized)
}

// serveDirect handles POST /webhooks/direct/{token}.
func (s *Server) serveDirect(w http.ResponseWriter, r *http.Request, token string) {
	want := s.cfg.DirectToken
	x := s.newExchange(r, jobs.ViaDirect)
	// ConstantTimeCompare returns early only on a length mismatch, which
	// reveals the length of a random token and nothing else.
	if want == "" || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		s.counters.reject(ReasonNotFound)
		reason := "the URL's token is not this install's direct-mode token"
		if want == "" {
			reason = "direct mode is off (no token)"
		}
		s.note(x, jobs.VerdictUnknownToken, http.StatusNotFound, reason)
		http.NotFound(w, r)
		return
	}
	if r.ContentLength > MaxBodyBytes {
		s.readFailed(w, x, errTooLarge)
		return
	}
	s.withBody(w, x, func(body []byte) {
		p, err := parseDirectPayload(body)
		if err != nil {
			s.badPayload(w, x, err)
			return
		}
		x.id, x.jobID, x.status = "direct:"+p.JobID+":"+p.Status, p.JobID, p.Status
		s.accept(w, x, jobs.Delivery{
			ID:       x.id,
			JobID:    p.JobID,
			Status:   p.Status,
			Metadata: p.Metadata,
			Source:   jobs.WebhookDirect,
		})
	})
}

// withBody runs handle with the request's raw body (at most MaxBodyBytes)
// while the server counts the request as in progress, so Shutdown waits
// for it. Past MaxInFlight requests it answers 503 without reading. The
// body is only valid during handle.
func (s *Server) withBody(w http.ResponseWriter, x *exchange, handle func(body []byte)) {
	if !s.enter() {
		s.unavailable(w, x, ReasonShuttingDown)
		return
	}
	defer s.leave()
	if !s.limit.tryAcquire() {
		s.unavailable(w, x, ReasonBusy)
		return
	}
	defer s.limit.release()
	buf, err := readBody(w, x.r, s.bodies)
	if buf != nil {
		defer s.bodies.put(buf)
		x.body = buf.Bytes()
	}
	if err != nil {
		s.readFailed(w, x, err)
		return
	}
	handle(buf.Bytes())
}

// accept runs the durable part for an authentic delivery: reserve a queue
// slot, record the id (group commit), then queue a fresh delivery or give
// the slot back for a duplicate. It answers 204 only after the id is on
// disk.
func (s *Server) accept(w http.ResponseWriter, x *exchange, d jobs.Delivery) {
	if !s.queue.reserve() {
		s.counters.queueFull.Add(1)
		// One warning per episode: a burst must not flood the log.
		if s.queueFullLogged.CompareAndSwap(false, true) {
			s.log.Warn("engine queue full; answering 503 so senders retry", "queue", s.queue.cap())
		}
		s.note(x, jobs.VerdictQueueFull, http.StatusServiceUnavailable, "the app's queue to the engine is full; the sender retries later")
		s.retryLater(w)
		return
	}
	if s.queueFullLogged.CompareAndSwap(true, false) {
		s.log.Info("engine queue has room again")
	}
	selfTest := IsSelfTest(d.JobID)
	// With the log on, the record goes into the same commit as the id.
	fresh, err := s.batcher.record(d.ID, s.pending(x, selfTest))
	if err != nil {
		// The batcher logged the failure once for the whole batch.
		s.queue.release()
		s.log.Debug("delivery not recorded; answering 503", "delivery", d.ID)
		s.unavailable(w, x, ReasonStoreError)
		return
	}
	if !fresh {
		s.queue.release()
		s.counters.duplicates.Add(1)
		s.log.Debug("duplicate delivery", "delivery", d.ID, "job_id", d.JobID)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.counters.accepted.Add(1)
	if selfTest {
		// The Webhooks view's health check proves the path up to here;
		// the engine and the forward targets never see it.
		s.queue.release()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.queue.push(d)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) readFailed(w http.ResponseWriter, x *exchange, err error) {
	if errors.Is(err, errTooLarge) {
		s.counters.reject(ReasonTooLarge)
		s.note(x, jobs.VerdictTooLarge, http.StatusRequestEntityTooLarge, "body over the 1 MiB limit")
		http.Error(w, "body over 1 MiB", http.StatusRequestEntityTooLarge)
		return
	}
	// The client went away or sent a broken body: nothing was verified, so
	// treat it as an unreadable payload.
	s.counters.reject(ReasonPayload)
	s.log.Debug("webhook body unreadable", "err", err)
	s.note(x, jobs.VerdictNotReducto, http.StatusBadRequest, "the body could not be read: "+err.Error())
	http.Error(w, "unreadable body", http.StatusBadRequest)
}

func (s *Server) badPayload(w http.ResponseWriter, x *exchange, err error) {
	s.counters.reject(ReasonPayload)
	s.log.Debug("webhook is not a Reducto payload", "err", err)
	s.note(x, jobs.VerdictNotReducto, http.StatusBadRequest, "not a Reducto payload: "+err.Error())
	http.Error(w, "not a Reducto webhook payload", http.StatusBadRequest)
}

// unavailableWords are the 503s' reasons in the delivery log.
var unavailableWords = map[string]string{
	ReasonShuttingDown: "the app is shutting down; the sender retries later",
	ReasonBusy:         "too many webhook requests in progress; the sender retries later",
	ReasonStoreError:   "the history could not record the delivery id; the sender retries later",
}

func (s *Server) unavailable(w http.ResponseWriter, x *exchange, reason string) {
	s.counters.reject(reason)
	s.note(x, jobs.VerdictQueueFull, http.StatusServiceUnavailable, unavailableWords[reason])
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

// statusWords are Reducto's job status words. Only Completed and Failed
// are documented for webhooks; the rest are the words GET /job and
// GET /jobs use, accepted so that a newer sender is not refused for a
// word Reducto already speaks.
var statusWords = map[string]bool{
	reducto.JobPending: true, reducto.JobIdle: true, reducto.JobInProgress: true,
	reducto.JobCompleting: true, reducto.JobCompleted: true, reducto.JobFailed: true,
	reducto.JobCancelled: true,
}

// parseDirectPayload is parsePayload plus the status check. The direct
// endpoint is not signed (its only secret is the URL), and its delivery
// id is made of the job id and the status, so a word Reducto never sends
// is refused rather than recorded and handed to the engine.
func parseDirectPayload(body []byte) (payload, error) {
	p, err := parsePayload(body)
	if err != nil {
		return payload{}, err
	}
	if !statusWords[p.Status] {
		return payload{}, fmt.Errorf("status %q is not a Reducto status word", p.Status)
	}
	return p, nil
}

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
