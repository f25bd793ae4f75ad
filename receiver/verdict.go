package receiver

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// rejection is why a Svix delivery was refused, in the delivery log's
// words: the verdict and a reason a person can act on. It wraps the
// sentinel error (errTooOld, errNoSecret...) the counters and tests match.
type rejection struct {
	verdict jobs.Verdict
	reason  string
	err     error
}

func (r *rejection) Error() string { return r.err.Error() + ": " + r.reason }
func (r *rejection) Unwrap() error { return r.err }

func reject(v jobs.Verdict, err error, format string, args ...any) error {
	return &rejection{verdict: v, err: err, reason: fmt.Sprintf(format, args...)}
}

// reasonMAC is the signature check's words when the MAC does not match:
// the usual cause is a secret that differs from the sender's.
const reasonMAC = "signed with a different secret than the one in Settings (or the body was changed on the way)"

// explain returns the verdict and the reason in words for a verification
// error.
func explain(err error) (jobs.Verdict, string) {
	var r *rejection
	if errors.As(err, &r) {
		return r.verdict, r.reason
	}
	return jobs.VerdictBadSignature, reasonMAC
}

// missingHeaders names the signature header that is missing, in the family
// the request used (svix-* unless it sent none of those).
func missingHeaders(h http.Header) string {
	prefix := "svix-"
	if h.Get("svix-id") == "" && h.Get("svix-timestamp") == "" && h.Get("svix-signature") == "" &&
		(h.Get("webhook-id") != "" || h.Get("webhook-timestamp") != "" || h.Get("webhook-signature") != "") {
		prefix = "webhook-"
	}
	var missing []string
	for _, n := range []string{"id", "timestamp", "signature"} {
		if h.Get(prefix+n) == "" {
			missing = append(missing, prefix+n)
		}
	}
	switch len(missing) {
	case 0:
		return "incomplete signature headers"
	case 1:
		return "no " + missing[0] + " header"
	case 2:
		return "no " + missing[0] + " or " + missing[1] + " header"
	}
	return "no svix-id, svix-timestamp or svix-signature header: not a Svix delivery"
}

// roughly says how long d is in the largest whole unit: "45 s", "9 min",
// "3 h".
func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
