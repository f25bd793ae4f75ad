package reducto

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrAmbiguous marks a failed submission whose outcome is unknown: the
// request may have reached Reducto and created a job even though no job_id
// came back. Look the job up (GET /jobs, by the client reference carried in
// async.metadata) before submitting again. Test with errors.Is.
var ErrAmbiguous = errors.New("outcome unknown: the request may have been processed")

// AmbiguousError wraps the failure of a submission that may have created a
// job anyway. It matches ErrAmbiguous with errors.Is and unwraps to the
// cause (an *APIError, a network error or the context's error).
type AmbiguousError struct {
	Op  string // e.g. "POST /parse_async"
	Err error
}

// Error describes the failure and says that the job may exist.
func (e *AmbiguousError) Error() string {
	if _, ok := e.Err.(*APIError); ok {
		return fmt.Sprintf("%v (%v)", e.Err, ErrAmbiguous) // it already names the operation
	}
	return fmt.Sprintf("reducto: %s: %v (%v)", e.Op, e.Err, ErrAmbiguous)
}

// Unwrap returns the cause.
func (e *AmbiguousError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrAmbiguous) true.
func (e *AmbiguousError) Is(target error) bool { return target == ErrAmbiguous }

// maxErrorBody bounds how much of an error response is read and kept.
const maxErrorBody = 64 << 10

// APIError is a non-2xx answer from Reducto (or from a presigned storage
// URL), decoded from whichever of Reducto's error shapes it came in.
type APIError struct {
	StatusCode int
	Message    string // human-readable; never empty
	Code       string // error.code, or the N of a "[CODE N]" message (rate limits)
	Type       string // error.type, or the first FastAPI validation error's type
	// Retryable says whether the request may be repeated: 408, 409, 429 and
	// 5xx, unless the server's x-should-retry header said otherwise. For a
	// submission it does not mean the job was not created (see ErrAmbiguous).
	Retryable bool
	// RetryAfter is the delay the server asked for (retry-after-ms or
	// Retry-After), zero when it asked for none. It is kept even beyond the
	// 60 s the client itself is willing to wait, so pollers can honour it.
	RetryAfter time.Duration
	Body       string // the raw response body, truncated to 64 KiB
	Method     string // of the failed request
	Path       string // of the failed request, without the query; the host only for presigned URLs
}

// Error formats the status and message.
func (e *APIError) Error() string {
	return fmt.Sprintf("reducto: %s %s: %d %s: %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode), e.Message)
}

// asAPIError finds an *APIError in err's chain.
func asAPIError(err error) (*APIError, bool) {
	var ae *APIError
	ok := errors.As(err, &ae)
	return ae, ok
}

// ErrGone marks an answer saying the job (or upload) asked for no longer
// exists at Reducto: deleted, expired or never known. errors.Is(err,
// ErrGone) is true for such an *APIError; IsGone says the same.
var ErrGone = errors.New("gone: Reducto no longer knows it")

// IsGone reports whether err says the thing asked for no longer exists, so
// following it further is pointless: any 404 or 410 (a deleted job answers
// 409 while the deletion runs, which is retried, then 410), and also a 400
// or 422 answer to GET /job/{id}: Reducto does not document how it answers
// for an unknown or expired job id, so the client treats those as gone too.
func IsGone(err error) bool {
	ae, ok := asAPIError(err)
	return ok && ae.gone()
}

// gone holds IsGone's rule.
func (e *APIError) gone() bool {
	switch e.StatusCode {
	case http.StatusNotFound, http.StatusGone:
		return true
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return e.Method == http.MethodGet && strings.HasPrefix(e.Path, "/job/")
	}
	return false
}

// Is makes errors.Is(err, ErrGone) true for a gone answer (see IsGone).
func (e *APIError) Is(target error) bool { return target == ErrGone && e.gone() }

// IsRateLimited reports whether err is a 429.
func IsRateLimited(err error) bool {
	ae, ok := asAPIError(err)
	return ok && ae.StatusCode == http.StatusTooManyRequests
}

// IsAuth reports whether err says the API key is missing, wrong or not
// allowed (401 or 403 from Reducto itself, not from a presigned URL).
func IsAuth(err error) bool {
	ae, ok := asAPIError(err)
	return ok && (ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden) &&
		strings.HasPrefix(ae.Path, "/")
}

// IsAmbiguous reports whether err is a submission failure after which the
// job may nevertheless exist.
func IsAmbiguous(err error) bool { return errors.Is(err, ErrAmbiguous) }

// RetryAfter returns the delay the server asked for in err, or zero.
func RetryAfter(err error) time.Duration {
	if ae, ok := asAPIError(err); ok {
		return ae.RetryAfter
	}
	return 0
}

// retryableStatus is the SDKs' rule: timeouts, conflicts, rate limits and
// server errors are worth another attempt.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict ||
		code == http.StatusTooManyRequests || code >= 500
}

// newAPIError decodes an error response. now is used for HTTP-date
// Retry-After values.
func newAPIError(method, path string, code int, h http.Header, body []byte, now time.Time) *APIError {
	e := &APIError{
		StatusCode: code,
		Body:       string(body),
		Method:     method,
		Path:       path,
		Retryable:  retryableStatus(code),
		RetryAfter: parseRetryAfter(h, now),
	}
	switch strings.ToLower(h.Get("x-should-retry")) {
	case "true":
		e.Retryable = true
	case "false":
		e.Retryable = false
	}
	e.Message, e.Code, e.Type = decodeErrorBody(body)
	if e.Message == "" {
		e.Message = http.StatusText(code)
		if e.Message == "" {
			e.Message = "status " + strconv.Itoa(code)
		}
	}
	return e
}

// errorBody holds every documented error shape at once:
// {"error":{"message","type","code"}}, {"error":"..."},
// FastAPI's {"detail": string | [{loc,msg,type}]} and {"message": "..."}.
type errorBody struct {
	Error   json.RawMessage `json:"error"`
	Detail  json.RawMessage `json:"detail"`
	Message json.RawMessage `json:"message"`
}

// errorObject is the object form of "error": the documented
// {message, type, code} and the newer {code, name, message}.
type errorObject struct {
	Message string          `json:"message"`
	Type    string          `json:"type"`
	Name    string          `json:"name"`
	Code    json.RawMessage `json:"code"` // a number in the docs; accept a string too
}

// decodeErrorField reads an "error" value in either form, an object or a
// plain string. ok is false when it is absent, null or empty.
func decodeErrorField(raw json.RawMessage) (obj errorObject, ok bool) {
	if isJSONNull(raw) {
		return errorObject{}, false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		s = strings.TrimSpace(s)
		return errorObject{Message: s}, s != ""
	}
	if json.Unmarshal(raw, &obj) != nil {
		return errorObject{}, false
	}
	if obj.Type == "" {
		obj.Type = obj.Name
	}
	return obj, obj.Message != "" || obj.Type != "" || rawScalar(obj.Code) != ""
}

type validationItem struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// decodeErrorBody returns message, code and type from an error body, in the
// reference's order of preference: error.message, detail, message, raw text.
func decodeErrorBody(body []byte) (msg, code, typ string) {
	text := strings.TrimSpace(string(body))
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		if obj, ok := decodeErrorField(eb.Error); ok {
			msg, typ, code = obj.Message, obj.Type, rawScalar(obj.Code)
			if msg == "" {
				msg = typ
			}
			if code == "" {
				code = bracketCode(msg)
			}
			if msg != "" {
				return msg, code, typ
			}
		}
		if len(eb.Detail) > 0 {
			var s string
			var items []validationItem
			switch {
			case json.Unmarshal(eb.Detail, &s) == nil && s != "":
				return s, bracketCode(s), ""
			case json.Unmarshal(eb.Detail, &items) == nil && len(items) > 0:
				return validationMessage(items), "", items[0].Type
			}
		}
		if len(eb.Message) > 0 {
			var s string
			if json.Unmarshal(eb.Message, &s) == nil && s != "" {
				return s, bracketCode(s), ""
			}
		}
	}
	if text == "" || strings.HasPrefix(text, "<") {
		return "", "", "" // empty or an HTML error page: the status text says more
	}
	const maxMsg = 500
	if len(text) > maxMsg {
		text = text[:maxMsg] + "…"
	}
	return text, "", ""
}

// validationMessage joins FastAPI's validation errors as "loc: msg; ...".
func validationMessage(items []validationItem) string {
	parts := make([]string, 0, len(items))
	for _, it := range items {
		locs := make([]string, 0, len(it.Loc))
		for _, l := range it.Loc {
			locs = append(locs, fmt.Sprint(l))
		}
		if len(locs) == 0 {
			parts = append(parts, it.Msg)
			continue
		}
		parts = append(parts, strings.Join(locs, ".")+": "+it.Msg)
	}
	return strings.Join(parts, "; ")
}

// bracketCode extracts N from Reducto's "[CODE N] ..." rate-limit messages.
func bracketCode(s string) string {
	rest, ok := strings.CutPrefix(s, "[CODE ")
	if !ok {
		return ""
	}
	n, _, ok := strings.Cut(rest, "]")
	if !ok {
		return ""
	}
	return strings.TrimSpace(n)
}

// rawScalar renders a JSON number or string as plain text.
func rawScalar(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
