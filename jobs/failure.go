package jobs

import "strings"

// FailureKind names a failure the app can do something about, so the UI
// can offer the remedy (ask for the password, upload the document again)
// instead of showing only the text. It travels as the start of Job.Error
// ("password required: ..."), so the history, `jobs --json` and older
// readers keep a readable sentence and no column is needed.
type FailureKind string

// The failures with a remedy.
const (
	// FailureNone is every other failure (or none).
	FailureNone FailureKind = ""
	// FailurePasswordRequired: Reducto refused a protected PDF (HTTP 442);
	// resubmitting with the password may work.
	FailurePasswordRequired FailureKind = "password required"
	// FailureParseExpired: a chained extract or split named a parse that
	// Reducto no longer has (jobs expire about 12 hours after submission);
	// the document has to be uploaded (and parsed) again.
	FailureParseExpired FailureKind = "parse expired"
)

// FailureText is the Job.Error of a failure of kind k, with detail after it.
func FailureText(k FailureKind, detail string) string {
	if k == FailureNone {
		return detail
	}
	if detail == "" {
		return string(k)
	}
	return string(k) + ": " + detail
}

// Failure returns the kind of j's failure: FailureNone unless j failed with
// one of the kinds above.
func (j Job) Failure() FailureKind {
	if j.Status != StatusFailed {
		return FailureNone
	}
	return FailureOf(j.Error)
}

// FailureOf returns the kind an error text written by FailureText starts
// with, or FailureNone.
func FailureOf(text string) FailureKind {
	for _, k := range []FailureKind{FailurePasswordRequired, FailureParseExpired} {
		if text == string(k) || strings.HasPrefix(text, string(k)+": ") {
			return k
		}
	}
	return FailureNone
}
