// Package fetch downloads URLs that come from Reducto's results (figure
// images, a document's pdf_url, an edit's filled document): presigned
// links the app did not choose, so they are treated as untrusted. One rule
// for all of them: https, or http to a loopback host only (redirects
// too, at most five), a bounded body and a time limit. It knows nothing of
// what the bytes are; the callers check that.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// Limit says what a download is and how much of it is allowed.
type Limit struct {
	What     string        // names the download in errors: "figure image"
	Accept   string        // the Accept header: "application/pdf"
	MaxBytes int64         // the body's cap; over it is an error
	Timeout  time.Duration // the whole download's time limit
}

// ErrTooLarge marks a body over its Limit.MaxBytes; test with errors.Is.
var ErrTooLarge = errors.New("over the limit")

// Get downloads rawURL's body with client (nil: a client over
// http.DefaultTransport) under the one rule for result URLs. The error
// says in words why nothing came back (refused URL, HTTP status, over the
// limit, timeout) without the URL's query, which may be a signature.
func Get(ctx context.Context, client *http.Client, rawURL string, l Limit) ([]byte, error) {
	if err := reducto.CheckSecureURL(rawURL, l.What); err != nil {
		return nil, err
	}
	if l.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, l.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", l.What, err)
	}
	if l.Accept != "" {
		req.Header.Set("Accept", l.Accept)
	}
	resp, err := checked(client, l.What).Do(req)
	if err != nil {
		// The url.Error names the whole URL, whose query may be a signature.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("fetch %s: %w", l.What, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{What: l.What, Status: resp.Status, Code: resp.StatusCode}
	}
	if resp.ContentLength > l.MaxBytes {
		return nil, fmt.Errorf("fetch %s: %s is %w of %s", l.What, jobs.SizeText(resp.ContentLength), ErrTooLarge, jobs.SizeText(l.MaxBytes))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, l.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: read: %w", l.What, err)
	}
	if int64(len(body)) > l.MaxBytes {
		return nil, fmt.Errorf("fetch %s: the body is %w of %s", l.What, ErrTooLarge, jobs.SizeText(l.MaxBytes))
	}
	return body, nil
}

// StatusError is a download answered with another status than 200 OK: an
// expired presigned link answers 403 or 404.
type StatusError struct {
	What   string
	Status string // "403 Forbidden"
	Code   int
}

func (e *StatusError) Error() string { return fmt.Sprintf("fetch %s: HTTP %s", e.What, e.Status) }

// checked is client, or a default one; either way a redirect must meet the
// same URL rule as the first request.
func checked(client *http.Client, what string) *http.Client {
	c := http.Client{}
	if client != nil {
		c = *client
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		return reducto.CheckSecureURL(req.URL.String(), what+" redirect")
	}
	return &c
}
