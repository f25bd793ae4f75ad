package jobs

import (
	"net/http"
	"time"
)

// Verdict is what the receiver decided about one webhook request (the
// contract's words in `deliveries --json`).
type Verdict string

// The verdicts of the delivery log.
const (
	VerdictAccepted     Verdict = "accepted"      // verified, first seen, handed to the engine
	VerdictDuplicate    Verdict = "duplicate"     // verified, id seen before: 204 and nothing else
	VerdictBadSignature Verdict = "bad_signature" // 401: missing, malformed or wrong signature, or no secret
	VerdictStale        Verdict = "stale"         // 401: timestamp outside Svix's 5-minute window
	VerdictNotReducto   Verdict = "not_reducto"   // 400: authentic but not a Reducto payload
	VerdictTooLarge     Verdict = "too_large"     // 413: body over 1 MiB
	VerdictUnknownToken Verdict = "unknown_token" // 404: direct endpoint with a wrong token
	VerdictQueueFull    Verdict = "queue_full"    // 503: the app could not take it now; the sender retries
)

// Verdicts lists every verdict, for filters.
var Verdicts = []Verdict{VerdictAccepted, VerdictDuplicate, VerdictBadSignature, VerdictStale,
	VerdictNotReducto, VerdictTooLarge, VerdictUnknownToken, VerdictQueueFull}

// Via is the route a delivery came by.
type Via string

// The routes of the delivery log.
const (
	ViaSvix   Via = "svix"   // POST /webhooks/svix over HTTP
	ViaDirect Via = "direct" // POST /webhooks/direct/{token}
	ViaRelay  Via = "relay"  // a Svix relay event replayed in-process
)

// SelfTestJobPrefix starts the job_id of the Webhooks view's self-test
// delivery: the receiver records it, hands it to neither the engine nor
// the forward targets, and a replay never sends it.
const SelfTestJobPrefix = "reducto-tray-self-test-"

// ForwardState is a forward target's state for one delivery.
type ForwardState string

// The states of a forward (the contract's words).
const (
	ForwardDelivered ForwardState = "delivered" // the target answered 2xx
	ForwardRetrying  ForwardState = "retrying"  // not yet sent, or failed and waiting for the next try
	ForwardFailed    ForwardState = "failed"    // gave up after the last attempt
)

// Forward is one target's state for one delivery.
type Forward struct {
	URL      string       `json:"url"`
	State    ForwardState `json:"state"`
	Code     int          `json:"code"` // the target's last HTTP status, 0 if it never answered
	Attempts int          `json:"attempts"`
	// Error is the last failure in words ("connection refused"), "" when
	// none. Not part of `deliveries --json`.
	Error string `json:"-"`
	// NextTry is when a retrying forward is tried next (zero when due now
	// or final). Not part of `deliveries --json`.
	NextTry time.Time `json:"-"`
}

// DeliveryRecord is one row of the delivery log: one request to a webhook
// endpoint or one relay event.
type DeliveryRecord struct {
	// Seq is the log's own number, ascending in arrival order; the handle
	// to ask for one record, replay it or page.
	Seq int64
	// ID is the svix-id/webhook-id, or a local id ("local-<seq>") when the
	// request carried none.
	ID         string
	ReceivedAt time.Time
	Via        Via
	Verdict    Verdict
	// Reason says in words why a request was refused ("timestamp 9 min old:
	// the computer's clock or a retried delivery"); "" when accepted.
	Reason string
	JobID  string // the payload's job_id, "" if none was read
	Status string // the payload's status word, "" if none was read
	// HTTPStatus is what the receiver answered (204, 401...).
	HTTPStatus int
	// Headers are the request's headers; nil for a summary (a rejected
	// request beyond the detailed count) and in listings.
	Headers http.Header
	// Body is the raw body of an accepted or duplicate delivery up to the
	// body limit; nil otherwise (BodySize still says how long it was), and
	// in listings.
	Body     []byte
	BodySize int
	// Summary is true when headers were not kept (a rejected request beyond
	// the detailed count) or the body was over the limit.
	Summary  bool
	Forwards []Forward
}

// DeliveryFilter selects delivery log records, newest first. Zero fields
// select everything.
type DeliveryFilter struct {
	Verdict Verdict
	Via     Via
	Since   time.Time // received at or after
	Until   time.Time // received before (zero: no bound)
	// BeforeSeq pages: only records older than this Seq (0: from the newest).
	BeforeSeq int64
	Limit     int // 0: 200
}

// LogTrimmed is what keeping the delivery log within its caps did.
type LogTrimmed struct {
	Left    int64 // bytes the log counts for afterwards (a size trim only)
	Removed int64 // records deleted
	// Dropped is how many forwards were given up unsent because their
	// record went: each is left failed with an Error starting "dropped:",
	// its record kept without headers and body to say so.
	Dropped int64
}

// SelfTestStep is one step of the Webhooks view's health check (a signed
// test delivery sent to the app's own receiver) and its result.
type SelfTestStep struct {
	Name   string // "listening", "signature accepted", "recorded"
	OK     bool
	Detail string // what was seen, or why it failed, in words
}

// RerunOutcome is what the app made of a stored delivery handed to it
// again ("re-run through the app").
type RerunOutcome struct {
	// Verdict is accepted when the delivery changed a job, else duplicate.
	Verdict Verdict
	// Detail says it in words ("duplicate: job … is already completed").
	Detail string
}

// HTTPStatusText is the standard text of the receiver's answer
// ("No Content"), "" when there was none.
func (r DeliveryRecord) HTTPStatusText() string {
	if r.HTTPStatus == 0 {
		return ""
	}
	return http.StatusText(r.HTTPStatus)
}
