package reducto

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// ParseAsync submits a parse job and returns its job_id. It is never
// retried blindly: see retry.go. When it fails with an error that matches
// ErrAmbiguous, the job may exist; look for it before submitting again.
func (c *Client) ParseAsync(ctx context.Context, req ParseRequest) (string, error) {
	return c.submit(ctx, "/parse_async", req)
}

// ExtractAsync submits an extract job and returns its job_id, with the
// same retry and ambiguity rules as ParseAsync.
func (c *Client) ExtractAsync(ctx context.Context, req ExtractRequest) (string, error) {
	return c.submit(ctx, "/extract_async", req)
}

// SplitAsync submits a split job and returns its job_id, with the same
// retry and ambiguity rules as ParseAsync.
func (c *Client) SplitAsync(ctx context.Context, req SplitRequest) (string, error) {
	return c.submit(ctx, "/split_async", req)
}

func (c *Client) submit(ctx context.Context, path string, body any) (string, error) {
	op := http.MethodPost + " " + path
	mk, n, err := jsonBody(body)
	if err != nil {
		return "", fmt.Errorf("reducto: %s: encode request: %w", op, err)
	}
	resp, err := c.do(ctx, &request{
		method:        http.MethodPost,
		path:          path,
		body:          mk,
		contentLength: n,
		contentType:   "application/json",
		policy:        retrySubmit,
	})
	if err != nil {
		return "", err
	}
	defer drainClose(resp.Body)
	// From here on the server has accepted the request: a body we cannot
	// read or that holds no job_id leaves a job we cannot name.
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", &AmbiguousError{Op: op, Err: fmt.Errorf("read response: %w", err)}
	}
	var ar AsyncResponse
	if err := json.Unmarshal(raw, &ar); err != nil {
		return "", &AmbiguousError{Op: op, Err: fmt.Errorf("decode response: %w", err)}
	}
	if ar.JobID == "" {
		return "", &AmbiguousError{Op: op, Err: fmt.Errorf("response has no job_id: %.200s", raw)}
	}
	return ar.JobID, nil
}
