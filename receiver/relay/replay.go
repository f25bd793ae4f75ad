package relay

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// WebhookPath is where replayed deliveries are sent in the local handler:
// the receiver's Svix endpoint.
const WebhookPath = "/webhooks/svix"

// maxReplyBody caps the response body sent back through the relay; Svix
// itself keeps only the first 20,000 bytes of a response.
const maxReplyBody = 64 << 10

// buildRequest turns a relay event into the request the sender made, aimed
// at WebhookPath. The body is passed through byte for byte because the
// Svix signature covers the raw body.
func buildRequest(ctx context.Context, ev eventIn) (*http.Request, error) {
	body, err := base64.StdEncoding.DecodeString(ev.Body)
	if err != nil {
		return nil, fmt.Errorf("event %s: body is not base64: %w", ev.ID, err)
	}
	method := ev.Method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, WebhookPath, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", ev.ID, err)
	}
	req.RequestURI = WebhookPath
	req.RemoteAddr = "svix-relay"
	req.Host = "relay.svix.local"
	for k, v := range ev.Headers {
		switch http.CanonicalHeaderKey(k) {
		case "Host":
			req.Host = v
		case "Content-Length", "Transfer-Encoding", "Connection":
			// Framing of the sender's hop; the body length is known here.
		default:
			// Set canonicalises the name: the relay sends lower-case names
			// and the Svix verifier looks headers up with Get.
			req.Header.Set(k, v)
		}
	}
	req.ContentLength = int64(len(body))
	return req, nil
}

// recorder is a minimal in-memory http.ResponseWriter, so the relay does not
// need net/http/httptest outside tests.
type recorder struct {
	header      http.Header
	status      int
	body        bytes.Buffer
	wroteHeader bool
}

func newRecorder() *recorder { return &recorder{header: make(http.Header)} }

// Header returns the response headers to be sent back.
func (r *recorder) Header() http.Header { return r.header }

// WriteHeader records the first final status; later calls are ignored as
// net/http does.
func (r *recorder) WriteHeader(code int) {
	if r.wroteHeader || code < 200 {
		return
	}
	r.status = code
	r.wroteHeader = true
}

// Write records body bytes up to maxReplyBody and reports them all written,
// so a chatty handler is truncated rather than failed.
func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	if room := maxReplyBody - r.body.Len(); room > 0 {
		r.body.Write(b[:min(len(b), room)])
	}
	return len(b), nil
}

// reply turns what the handler wrote into the frame answering event id.
func (r *recorder) reply(id string) eventOut {
	status := r.status
	if !r.wroteHeader {
		status = http.StatusOK
	}
	headers := make(map[string]string, len(r.header))
	for k, vs := range r.header {
		// The protocol has one value per name; joining keeps them all for
		// the list-valued headers a webhook reply may carry.
		headers[strings.ToLower(k)] = strings.Join(vs, ", ")
	}
	return eventOut{
		ID:      id,
		Status:  status,
		Headers: headers,
		Body:    base64.StdEncoding.EncodeToString(r.body.Bytes()),
	}
}
