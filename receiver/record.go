package receiver

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// relayRemoteAddr is the RemoteAddr the relay client (receiver/relay,
// buildRequest) gives the requests it replays in-process: how the log
// tells a relay event from a request over HTTP.
const relayRemoteAddr = "svix-relay"

// SelfTestPrefix starts the job_id of the Webhooks view's self-test
// delivery: the receiver verifies and records it like any other, then
// neither hands it to the engine nor forwards it.
const SelfTestPrefix = jobs.SelfTestJobPrefix

// IsSelfTest reports whether jobID is a self-test delivery's.
func IsSelfTest(jobID string) bool { return strings.HasPrefix(jobID, SelfTestPrefix) }

// exchange is one webhook request on its way to a verdict: what the
// delivery log keeps of it.
type exchange struct {
	r     *http.Request
	via   jobs.Via
	at    time.Time
	id    string // the delivery id, when the request carried one
	jobID string
	// status is the payload's status word once parsed.
	status string
	// body is the request's body once read; it lives in a pooled buffer,
	// so note copies what it keeps.
	body []byte
}

func (s *Server) newExchange(r *http.Request, via jobs.Via) *exchange {
	return &exchange{r: r, via: via, at: s.clock.Now()}
}

// deliveryID is the id the request's signature covers, else any id header
// it carried (a request missing its signature still names its message).
func deliveryID(h http.Header) string {
	if id, _, _ := svixHeaders(h); id != "" {
		return id
	}
	return firstNonEmpty(h.Get("svix-id"), h.Get("webhook-id"))
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func viaOf(r *http.Request) jobs.Via {
	if r.RemoteAddr == relayRemoteAddr {
		return jobs.ViaRelay
	}
	return jobs.ViaSvix
}

// localIDs numbers records whose request carried no delivery id.
var localIDs atomic.Uint64

// note records x's verdict in the delivery log, without waiting for the
// write: the rejected requests (accepted and duplicate ones are recorded
// with their id, see pending).
func (s *Server) note(x *exchange, v jobs.Verdict, code int, reason string) {
	if s.logw == nil {
		return
	}
	rec := s.baseRecord(x)
	rec.Verdict, rec.HTTPStatus, rec.Reason = v, code, reason
	if s.logw.detailed(x.at) {
		rec.Headers = x.r.Header.Clone()
	} else {
		rec.Summary = true
	}
	s.logw.add(rec)
}

// baseRecord is what every record of x holds whatever its verdict.
func (s *Server) baseRecord(x *exchange) jobs.DeliveryRecord {
	rec := jobs.DeliveryRecord{
		ID: x.id, ReceivedAt: x.at, Via: x.via,
		JobID: x.jobID, Status: x.status, BodySize: len(x.body),
	}
	if rec.ID == "" {
		rec.ID = "local-" + strconv.FormatInt(x.at.UnixMilli(), 36) + "-" + strconv.FormatUint(localIDs.Add(1), 36)
	}
	if rec.BodySize == 0 && x.r.ContentLength > 0 {
		rec.BodySize = int(min(x.r.ContentLength, 1<<31-1))
	}
	return rec
}

// selfTestReason is the self-test delivery's reason in the log.
const selfTestReason = "self-test delivery: recorded, not handed to the engine"

// pendingRecord is the log record of a verified delivery on its way to
// the group commit, which alone knows whether its id is fresh (accepted,
// queued to the forward targets) or seen before (duplicate). It is
// settled inside the commit's transaction.
type pendingRecord struct {
	rec      jobs.DeliveryRecord // no verdict yet; headers and body copied
	targets  []string            // forward targets in force, if fresh
	selfTest bool
	bodyMax  int // LogLimits.BodyBytes
}

// pending prepares x's record for the group commit; nil without a log.
// The copies are made here, on the handler's goroutine, not inside the
// transaction that holds the store's write connection.
func (s *Server) pending(x *exchange, selfTest bool) *pendingRecord {
	if s.logw == nil {
		return nil
	}
	p := &pendingRecord{rec: s.baseRecord(x), selfTest: selfTest, bodyMax: s.logw.limits.BodyBytes}
	p.rec.HTTPStatus = http.StatusNoContent
	p.rec.Headers = x.r.Header.Clone()
	p.rec.Body = append([]byte{}, x.body...)
	if !selfTest && s.cfg.ForwardTargets != nil {
		p.targets = s.cfg.ForwardTargets()
	}
	return p
}

// settle returns the record for the commit's answer. A fresh delivery is
// queued to every forward target (the self-test never is); a body still
// to be forwarded is kept whatever its size (at most MaxBodyBytes), since
// the target must get the exact bytes, else only up to bodyMax.
func (p *pendingRecord) settle(fresh bool) jobs.DeliveryRecord {
	r := p.rec
	switch {
	case !fresh:
		r.Verdict = jobs.VerdictDuplicate
	case p.selfTest:
		r.Verdict, r.Reason = jobs.VerdictAccepted, selfTestReason
	default:
		r.Verdict = jobs.VerdictAccepted
		for _, u := range p.targets {
			r.Forwards = append(r.Forwards, jobs.Forward{URL: u, State: jobs.ForwardRetrying})
		}
	}
	if len(r.Body) > p.bodyMax && len(r.Forwards) == 0 {
		r.Body, r.Summary = nil, true
	}
	return r
}

// ParseDelivery reads a stored Reducto payload back into the delivery the
// receiver handed the engine (a re-run of a logged delivery).
func ParseDelivery(id string, via jobs.Via, body []byte) (jobs.Delivery, error) {
	p, err := parsePayload(body)
	if err != nil {
		return jobs.Delivery{}, fmt.Errorf("delivery %s: not a Reducto payload: %w", id, err)
	}
	src := jobs.WebhookSvix
	if via == jobs.ViaDirect {
		src = jobs.WebhookDirect
	}
	return jobs.Delivery{ID: id, JobID: p.JobID, Status: p.Status, Metadata: p.Metadata, Source: src}, nil
}
