package webhooksview

import (
	"fmt"
	"net/textproto"
	"sort"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

// reasoning is the signature check's verdict on rec in words: the
// receiver's stored reason for a refusal, and what an accepted or
// duplicate delivery means.
func reasoning(rec jobs.DeliveryRecord) string {
	var b strings.Builder
	switch rec.Verdict {
	case jobs.VerdictAccepted:
		// Not "the app took the job's status from it": a self-test
		// delivery, or one for a job this install did not submit, is
		// recorded and not handed to the engine.
		b.WriteString("The signature matches the secret in Settings and the timestamp is recent, and the delivery id was new. A job this install follows takes its status from it; a self-test delivery, or one for a job this install does not know, is only recorded.")
	case jobs.VerdictDuplicate:
		b.WriteString("The signature matches, but this delivery id was seen before: the receiver answered 204 and changed nothing (Svix retries deliveries it is not sure arrived).")
	default:
		if rec.Reason != "" {
			b.WriteString(upperFirst(rec.Reason))
			if !strings.HasSuffix(rec.Reason, ".") {
				b.WriteString(".")
			}
		} else {
			b.WriteString(verdictFallback(rec.Verdict))
		}
	}
	if rec.Verdict != jobs.VerdictAccepted && rec.Verdict != jobs.VerdictDuplicate && rec.Reason != "" && rec.Verdict != "" {
		// The stored reason says why; the fallback says what it means.
		if why := verdictFallback(rec.Verdict); why != "" && !strings.Contains(rec.Reason, why) {
			b.WriteString(" ")
			b.WriteString(why)
		}
	}
	if rec.HTTPStatus != 0 {
		fmt.Fprintf(&b, " The receiver answered %d %s.", rec.HTTPStatus, rec.HTTPStatusText())
	}
	if rec.Summary {
		b.WriteString(" Only a summary was kept: refused requests beyond a count, and bodies over the size limit, are not stored.")
	}
	return b.String()
}

// verdictFallback says what a refusal means when the receiver stored no
// reason of its own.
func verdictFallback(v jobs.Verdict) string {
	switch v {
	case jobs.VerdictBadSignature:
		return "Check that the Svix secret in Settings is the one of this endpoint."
	case jobs.VerdictStale:
		return "Svix refuses timestamps more than 5 minutes from the computer's clock."
	case jobs.VerdictNotReducto:
		return "The signature was right, but the body is not a Reducto job notification."
	case jobs.VerdictTooLarge:
		return "Bodies over 1 MiB are refused before they are read."
	case jobs.VerdictUnknownToken:
		return "The direct URL's token is not this install's: the sender has an old or foreign URL."
	case jobs.VerdictQueueFull:
		return "The app was too busy to take it; the sender retries later."
	}
	return ""
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// skipCurlHeaders are headers curl sets itself or that describe the
// original connection rather than the request.
var skipCurlHeaders = map[string]bool{
	"Content-Length": true, "Host": true, "Connection": true, "Transfer-Encoding": true,
	"Accept-Encoding": true, "X-Forwarded-For": true, "X-Forwarded-Host": true, "X-Forwarded-Proto": true,
}

// curlCommand is a shell command that sends rec's request again to url:
// the same headers (sorted by name) and the exact body, every argument
// single-quoted.
func curlCommand(url string, rec jobs.DeliveryRecord) string {
	var b strings.Builder
	b.WriteString("curl -X POST " + shellQuote(url))
	names := make([]string, 0, len(rec.Headers))
	for k := range rec.Headers {
		if !skipCurlHeaders[textproto.CanonicalMIMEHeaderKey(k)] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range rec.Headers[k] {
			b.WriteString(" \\\n  -H " + shellQuote(k+": "+v))
		}
	}
	if rec.Body != nil {
		b.WriteString(" \\\n  --data-binary " + shellQuote(string(rec.Body)))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell: inside single quotes nothing is
// special but the quote itself, which closes the quotes, adds an escaped
// quote and opens them again.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// forwardText is one forward target's state in words.
func forwardText(f jobs.Forward) string {
	attempts := "1 attempt"
	if f.Attempts != 1 {
		attempts = fmt.Sprintf("%d attempts", f.Attempts)
	}
	var s string
	switch f.State {
	case jobs.ForwardDelivered:
		s = fmt.Sprintf("delivered (%d) after %s", f.Code, attempts)
	case jobs.ForwardRetrying:
		if f.Attempts == 0 {
			s = "waiting to be sent"
		} else {
			s = "retrying after " + attempts
		}
	case jobs.ForwardFailed:
		s = "failed after " + attempts
	default:
		s = string(f.State)
	}
	if f.State != jobs.ForwardDelivered && f.Code != 0 {
		s += fmt.Sprintf(", last answer %d", f.Code)
	}
	if f.Error != "" && f.State != jobs.ForwardDelivered {
		s += ": " + f.Error
	}
	return f.URL + " — " + s
}

// headersText lists headers as "Name: value" lines sorted by name.
func headersText(h map[string][]string) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		for _, v := range h[k] {
			b.WriteString(k + ": " + v + "\n")
		}
	}
	return b.String()
}
