package receiver

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"
)

// Fixed so the seed corpus in testdata/fuzz means the same on every run.
const (
	fuzzSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	fuzzToken  = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed"
)

// Fuzz request shapes, combined as bits of the mode argument.
const (
	fuzzWebhookFamily = 1 << iota // webhook-* instead of svix-* headers
	fuzzDirect                    // POST the direct endpoint with the right token
	fuzzDirectWrong               // ... with a wrong token
	fuzzNoTimestamp               // leave the timestamp header out
	fuzzGet                       // GET instead of POST
)

// contractCodes are the only statuses the webhook endpoints may answer.
var contractCodes = map[int]bool{204: true, 400: true, 401: true, 404: true, 405: true, 413: true, 503: true}

// FuzzWebhookHandler drives the receiver with arbitrary bodies and headers.
// sig "SIGN" stands for a valid signature over (id, now+tsOffset, body),
// "SIGN2" for a rotated header holding a bogus entry and then the valid
// one; anything else is sent verbatim. repeat makes the body repeat+1
// copies of itself, so a small seed can be a huge request.
//
// Run: go test -run '^$' -fuzz FuzzWebhookHandler -fuzzminimizetime 2s ./receiver/
// (the default minimizer spends a minute per interesting 1 MiB body).
//
// It asserts the handler never panics, answers only contract codes, never
// accepts what it must not, and accepts what it must.
func FuzzWebhookHandler(f *testing.F) {
	f.Add([]byte(`{"status":"Completed","job_id":"j1","metadata":null}`), uint16(0), "msg_add", int64(0), "SIGN", byte(0))
	sink := newCountSink()
	s := New(Config{
		Secret:      func() string { return fuzzSecret },
		DirectToken: fuzzToken,
		Sink:        sink,
		Log:         newMemLog(),
		Logger:      discardLogger(),
		QueueSize:   1 << 16,
	})
	f.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	wh, err := svix.NewWebhook(fuzzSecret)
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()

	f.Fuzz(func(t *testing.T, body []byte, repeat uint16, id string, tsOffset int64, sig string, mode byte) {
		if repeat > 0 && len(body) > 0 {
			// Just past the limit is as big as a useful request gets; more
			// would only slow the fuzzer (and its minimizer) down.
			n := min(int(repeat)+1, MaxBodyBytes/len(body)+1)
			body = bytes.Repeat(body, n)
		}
		now := time.Now()
		ts := now.Add(time.Duration(max(min(tsOffset, 1<<30), -1<<30)) * time.Second)
		signed := sig == "SIGN" || sig == "SIGN2"
		if signed && len(body) <= MaxBodyBytes { // a larger body is refused unread
			good, err := wh.Sign(id, ts, body)
			if err != nil {
				t.Fatal(err)
			}
			if sig == "SIGN2" {
				good = "v1,bogus v1a,AAAA " + good
			}
			sig = good
		}

		method := http.MethodPost
		if mode&fuzzGet != 0 {
			method = http.MethodGet
		}
		path := PathSvix
		switch {
		case mode&fuzzDirect != 0:
			path = PathDirectPrefix + fuzzToken
		case mode&fuzzDirectWrong != 0:
			path = PathDirectPrefix + strings.Repeat("0", len(fuzzToken))
		}
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		family := "svix"
		if mode&fuzzWebhookFamily != 0 {
			family = "webhook"
		}
		req.Header.Set(family+"-id", id)
		req.Header.Set(family+"-signature", sig)
		if mode&fuzzNoTimestamp == 0 {
			req.Header.Set(family+"-timestamp", strconv.FormatInt(ts.Unix(), 10))
		}

		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		code := rec.Code
		if !contractCodes[code] {
			t.Fatalf("status %d is not in the contract", code)
		}

		direct := mode&(fuzzDirect|fuzzDirectWrong) != 0
		_, perr := parsePayload(body)
		if direct {
			// Unsigned, so only Reducto's status words are accepted.
			_, perr = parseDirectPayload(body)
		}
		fresh := tsOffset > -290 && tsOffset < 290
		switch {
		case method != http.MethodPost:
			if code != 405 {
				t.Fatalf("%s: status %d, want 405", method, code)
			}
		case mode&fuzzDirect == 0 && mode&fuzzDirectWrong != 0:
			if code != 404 {
				t.Fatalf("wrong direct token: status %d, want 404", code)
			}
		case len(body) > MaxBodyBytes:
			if code != 413 {
				t.Fatalf("%d-byte body: status %d, want 413", len(body), code)
			}
		case direct:
			if want := map[bool]int{true: 400, false: 204}[perr != nil]; code != want && code != 503 {
				t.Fatalf("direct: status %d, want %d (payload err %v)", code, want, perr)
			}
		case !signed || id == "" || mode&fuzzNoTimestamp != 0:
			if code != 401 {
				t.Fatalf("unsigned svix delivery: status %d, want 401", code)
			}
		case tsOffset < -310 || tsOffset > 310:
			if code != 401 {
				t.Fatalf("signature %ds off: status %d, want 401", tsOffset, code)
			}
		case fresh && perr != nil:
			if code != 400 {
				t.Fatalf("signed non-Reducto payload: status %d, want 400 (%v)", code, perr)
			}
		case fresh:
			if code != 204 && code != 503 {
				t.Fatalf("signed Reducto payload: status %d, want 204", code)
			}
		}
	})
}
