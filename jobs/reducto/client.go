package reducto

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reductotray/reducto-tray/jobs/backoff"
	"github.com/reductotray/reducto-tray/jobs/clock"
)

// Client talks to the Reducto API. It is safe for concurrent use, and its
// credentials may change at runtime (SetCredentials) while calls are in
// flight: each call uses the credentials current when it started.
type Client struct {
	mu      sync.RWMutex
	baseURL string
	apiKey  string
	baseErr error // CheckBaseURL(baseURL): a refused base URL fails every call

	// holdMu guards holdUntil, the client-wide Retry-After hold (hold.go).
	holdMu    sync.Mutex
	holdUntil time.Time

	hc             *http.Client
	userAgent      string
	maxRetries     int
	log            *slog.Logger
	retry          backoff.Policy // waits between retries (the app's one rule)
	multipartLimit int64
	clock          clock.Clock
}

// New returns a client for the API at baseURL (empty means BaseURLUS)
// authenticating with apiKey.
func New(baseURL, apiKey string, opts ...Option) *Client {
	c := &Client{
		hc:             defaultHTTPClient(),
		userAgent:      "ReductoTray/dev",
		maxRetries:     DefaultMaxRetries,
		log:            slog.Default(),
		retry:          sdkBackoff,
		multipartLimit: DefaultMultipartLimit,
		clock:          clock.Real{},
	}
	c.SetCredentials(baseURL, apiKey)
	for _, o := range opts {
		o(c)
	}
	return c
}

// defaultHTTPClient mirrors the SDKs' 5 s connect timeout and leaves the
// rest of the request's life to the caller's context: uploads and result
// downloads may legitimately take long.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.MaxIdleConnsPerHost = 16 // pollers and uploads reuse connections to one host
	return &http.Client{Transport: t}
}

// SetCredentials changes the base URL and API key for calls started from
// now on. A base URL that CheckBaseURL refuses (plain http:// to a host
// that is not loopback) is kept but every call fails with that error
// without sending anything, so a key never travels in clear text.
func (c *Client) SetCredentials(baseURL, apiKey string) {
	baseURL = strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if baseURL == "" {
		baseURL = BaseURLUS
	}
	apiKey = strings.TrimSpace(apiKey)
	baseErr := CheckBaseURL(baseURL)
	if baseErr != nil {
		baseErr = fmt.Errorf("reducto: %w", baseErr)
	}
	c.mu.Lock()
	changed := c.baseURL != baseURL || c.apiKey != apiKey
	c.baseURL, c.apiKey, c.baseErr = baseURL, apiKey, baseErr
	c.mu.Unlock()
	if changed {
		c.clearHold() // Reducto's limit was the old key's
	}
}

// BaseURL returns the base URL calls currently go to.
func (c *Client) BaseURL() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.baseURL
}

func (c *Client) credentials() (baseURL, apiKey string, baseErr error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.baseURL, c.apiKey, c.baseErr
}

// retryPolicy says which failures a request may be repeated after; see
// retry.go.
type retryPolicy int

const (
	retryIdempotent retryPolicy = iota // the SDKs' rule
	retrySubmit                        // only when no job can have been created
)

// request describes one API call independently of its attempts.
type request struct {
	method string
	path   string // escaped, relative to the base URL, e.g. "/job/abc"
	query  url.Values
	// absURL, when set, is a presigned storage URL: it is called as is and
	// without the API key, which must never leave for another host.
	absURL string
	// body returns a fresh body for each attempt; nil means no body.
	body          func() io.Reader
	contentLength int64
	contentType   string
	policy        retryPolicy
}

// target returns the URL to call and the operation name used in errors and
// logs. The operation never includes a query: presigned URLs carry their
// signature there.
func (r *request) target(base string) (target, op string, err error) {
	if r.absURL != "" {
		u, err := url.Parse(r.absURL)
		if err != nil {
			return "", r.method + " presigned URL", fmt.Errorf("reducto: bad presigned URL: %w", err)
		}
		shown := u.Scheme + "://" + u.Host + u.Path // the query holds the signature
		op = r.method + " " + shown
		if err := checkSecure(u, "presigned URL", shown); err != nil {
			return "", op, fmt.Errorf("reducto: %s: %w", op, err)
		}
		return r.absURL, op, nil
	}
	target = base + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	return target, r.method + " " + r.path, nil
}

// do runs r with retries and returns a 2xx response whose body the caller
// must close. Any other outcome is an error: an *APIError, an
// *AmbiguousError for submissions, or a wrapped transport/context error.
// API requests (not presigned ones) first wait out the client-wide
// Retry-After hold (hold.go).
func (c *Client) do(ctx context.Context, r *request) (*http.Response, error) {
	base, key, baseErr := c.credentials()
	if r.absURL == "" && baseErr != nil {
		return nil, baseErr
	}
	target, op, err := r.target(base)
	if err != nil {
		return nil, err
	}
	path := r.path
	api := r.absURL == ""
	if !api {
		path = strings.TrimPrefix(op, r.method+" ")
	}
	var prevErr error // the failure being retried, for the error text
	for attempt := 0; ; attempt++ {
		if api {
			if err := c.waitHold(ctx); err != nil {
				if prevErr != nil {
					return nil, fmt.Errorf("reducto: %s: %w while waiting to retry after: %v", op, err, prevErr)
				}
				return nil, fmt.Errorf("reducto: %s: %w while waiting out Reducto's Retry-After", op, err)
			}
		}
		resp, maybeSent, err := c.once(ctx, r, target, key)
		var lastErr error
		var serverDelay time.Duration
		retry, held := false, false
		switch {
		case err != nil:
			if r.policy == retrySubmit && maybeSent {
				return nil, &AmbiguousError{Op: op, Err: err}
			}
			lastErr = fmt.Errorf("reducto: %s: %w", op, err)
			if ctx.Err() != nil {
				return nil, lastErr
			}
			retry = true // nothing was sent, or the call is idempotent
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return resp, nil
		default:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
			drainClose(resp.Body)
			ae := newAPIError(r.method, path, resp.StatusCode, resp.Header, body, c.clock.Now())
			lastErr, serverDelay = ae, ae.RetryAfter
			if api && holdStatus(ae.StatusCode) && ae.RetryAfter > 0 && ae.RetryAfter <= maxHonouredRetryAfter {
				// The key is over its budget: hold back every request of
				// this client, this one's retry included.
				c.holdFor(ae.RetryAfter)
				held = true
			}
			if r.policy == retrySubmit {
				if ae.StatusCode == http.StatusTooManyRequests {
					retry = ae.Retryable
				} else if ambiguousStatus(ae.StatusCode) {
					return nil, &AmbiguousError{Op: op, Err: ae}
				}
			} else {
				retry = ae.Retryable
			}
		}
		if !retry || attempt >= c.maxRetries {
			return nil, lastErr
		}
		prevErr = lastErr
		if held {
			c.log.Debug("reducto: retrying after the hold", "op", op, "attempt", attempt+1, "hold", serverDelay, "err", lastErr)
			continue // waitHold at the top of the loop does the waiting
		}
		delay := c.retryDelay(attempt, serverDelay)
		c.log.Debug("reducto: retrying", "op", op, "attempt", attempt+1, "delay", delay, "err", lastErr)
		if err := c.sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("reducto: %s: %w while waiting to retry after: %v", op, err, lastErr)
		}
	}
}

// ambiguousStatus lists the answers to a submission that do not prove the
// job was refused.
func ambiguousStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict || code >= 500
}

// once makes one attempt. maybeSent reports whether the server may have
// received the whole request. It is false only when no connection was ever
// obtained or when writing the request failed (a server cannot act on a
// body it did not fully receive). A successful write is not waited for:
// the trace reports it a moment after the bytes left, and a cancellation
// in that moment must not pass for "not sent".
func (c *Client) once(ctx context.Context, r *request, target, key string) (resp *http.Response, maybeSent bool, err error) {
	var gotConn, writeFailed atomic.Bool
	trace := &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			// The transport may replay on a fresh connection after a
			// failed write; only the latest connection's outcome counts.
			writeFailed.Store(false)
			gotConn.Store(true)
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err != nil {
				writeFailed.Store(true)
			}
		},
	}
	var body io.Reader
	if r.body != nil {
		body = r.body()
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), r.method, target, body)
	if err != nil {
		return nil, false, err
	}
	if r.body != nil {
		req.ContentLength = r.contentLength
		if r.contentLength == 0 {
			req.Body = http.NoBody
		}
		// Lets the transport replay the body when a reused connection turns
		// out dead before anything was written.
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(r.body()), nil }
	}
	req.Header.Set("User-Agent", c.userAgent)
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.absURL == "" {
		req.Header.Set("Accept", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
	}
	resp, err = c.hc.Do(req)
	if err != nil {
		// url.Error repeats the URL, whose query may hold a presigned
		// signature; the caller names the operation instead.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, gotConn.Load() && !writeFailed.Load(), err
	}
	return resp, true, nil
}

// drainClose reads a little of what is left so the connection can be
// reused, then closes the body.
func drainClose(b io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(b, 64<<10))
	_ = b.Close()
}

// doJSON runs r and decodes a 2xx JSON body into out.
func (c *Client) doJSON(ctx context.Context, r *request, out any) error {
	resp, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	defer drainClose(resp.Body)
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("reducto: %s %s: decode response: %w", r.method, r.path, err)
	}
	return nil
}

// jsonBody returns a request body factory for an encoded JSON value.
func jsonBody(v any) (func() io.Reader, int64, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, 0, err
	}
	return func() io.Reader { return bytes.NewReader(b) }, int64(len(b)), nil
}
