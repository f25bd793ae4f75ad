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
const SelfTestPrefix = "reducto-tray-self-test-"

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
// write. forward queues the delivery to the forward targets in force.
func (s *Server) note(x *exchange, v jobs.Verdict, code int, reason string, forward bool) {
	if s.logw == nil {
		return
	}
	rec := jobs.DeliveryRecord{
		ID: x.id, ReceivedAt: x.at, Via: x.via, Verdict: v, Reason: reason,
		JobID: x.jobID, Status: x.status, HTTPStatus: code, BodySize: len(x.body),
	}
	if rec.ID == "" {
		rec.ID = "local-" + strconv.FormatInt(x.at.UnixMilli(), 36) + "-" + strconv.FormatUint(localIDs.Add(1), 36)
	}
	if rec.BodySize == 0 && x.r.ContentLength > 0 {
		rec.BodySize = int(min(x.r.ContentLength, 1<<31-1))
	}
	if forward && s.cfg.ForwardTargets != nil {
		for _, u := range s.cfg.ForwardTargets() {
			rec.Forwards = append(rec.Forwards, jobs.Forward{URL: u, State: jobs.ForwardRetrying})
		}
	}
	verified := v == jobs.VerdictAccepted || v == jobs.VerdictDuplicate
	switch {
	case verified:
		rec.Headers = x.r.Header.Clone()
		// A body still to be forwarded is kept whatever its size (at most
		// MaxBodyBytes): the target must get the exact bytes.
		if len(x.body) <= s.logw.limits.BodyBytes || len(rec.Forwards) > 0 {
			rec.Body = append([]byte{}, x.body...)
		} else {
			rec.Summary = true
		}
	case s.logw.detailed(x.at):
		rec.Headers = x.r.Header.Clone()
	default:
		rec.Summary = true
	}
	s.logw.add(rec)
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
