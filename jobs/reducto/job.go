package reducto

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// jobWire decodes GET /job with a lenient created_at: FastAPI may send a
// datetime without a zone, which time.Time refuses, and one odd field
// should not hide a finished job. The outer field shadows Job.CreatedAt.
// Error is read by hand too: it comes as an object or a plain string.
type jobWire struct {
	Job
	CreatedAt json.RawMessage `json:"created_at,omitempty"`
	Error     json.RawMessage `json:"error,omitempty"`
}

// GetJob returns the status (and, once completed, the result) of a job.
// A job that Reducto no longer knows gives an error for which IsGone
// is true. Status words are passed through unchanged; use IsTerminal.
func (c *Client) GetJob(ctx context.Context, id string) (*Job, error) {
	if id == "" {
		return nil, fmt.Errorf("reducto: GET /job: empty job id")
	}
	var w jobWire
	err := c.doJSON(ctx, &request{method: http.MethodGet, path: "/job/" + url.PathEscape(id)}, &w)
	if err != nil {
		return nil, err
	}
	j := w.Job
	j.CreatedAt = parseLenientTime(w.CreatedAt)
	if obj, ok := decodeErrorField(w.Error); ok {
		j.Error = &JobError{Code: rawScalar(obj.Code), Name: obj.Name, Message: obj.Message}
	}
	j.Reason = failureReason(j.Error, j.Reason)
	if isJSONNull(j.Result) {
		j.Result = nil
	}
	return &j, nil
}

// failureReason picks the failure text: the error object's message first
// (the newer, more precise form), then reason, then the object's name and
// code.
func failureReason(e *JobError, reason string) string {
	reason = strings.TrimSpace(reason)
	switch {
	case e != nil && e.Message != "":
		return e.Message
	case reason != "":
		return reason
	}
	return e.Text()
}

// listedJobWire is ListedJob with a lenient created_at (see jobWire).
type listedJobWire struct {
	ListedJob
	CreatedAt json.RawMessage `json:"created_at"`
}

// ListJobs returns one page of the account's jobs, newest first as Reducto
// sends them. To read more than one page use WalkJobs or FindJob, the one
// walker (500 a page, bounded by creation time).
func (c *Client) ListJobs(ctx context.Context, p ListJobsParams) (*JobsPage, error) {
	q := url.Values{}
	if p.Cursor != "" {
		q.Set("cursor", p.Cursor)
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(min(p.Limit, 500)))
	}
	if p.ExcludeConfigs {
		q.Set("exclude_configs", "true")
	}
	var w struct {
		Jobs       []listedJobWire `json:"jobs"`
		NextCursor *string         `json:"next_cursor"`
	}
	if err := c.doJSON(ctx, &request{method: http.MethodGet, path: "/jobs", query: q}, &w); err != nil {
		return nil, err
	}
	page := &JobsPage{Jobs: make([]ListedJob, len(w.Jobs)), NextCursor: w.NextCursor}
	if page.NextCursor != nil && *page.NextCursor == "" {
		page.NextCursor = nil
	}
	for i, lj := range w.Jobs {
		page.Jobs[i] = lj.ListedJob
		page.Jobs[i].CreatedAt = parseLenientTime(lj.CreatedAt)
	}
	return page, nil
}

// Cancel asks Reducto to cancel a job. The answer's body is undocumented and
// ignored; poll GetJob to see the outcome. Cancelling is idempotent, so it
// is retried like a GET.
func (c *Client) Cancel(ctx context.Context, id string) error {
	if id == "" {
		return fmt.Errorf("reducto: POST /cancel: empty job id")
	}
	resp, err := c.do(ctx, &request{method: http.MethodPost, path: "/cancel/" + url.PathEscape(id)})
	if err != nil {
		return err
	}
	drainClose(resp.Body)
	return nil
}

// ConfigureWebhook returns the URL of the account's Svix portal, where
// endpoints and channels are set up and the signing secret is shown.
// Asking again returns a fresh link, so it is retried like a GET.
func (c *Client) ConfigureWebhook(ctx context.Context) (string, error) {
	const op = "POST /configure_webhook"
	resp, err := c.do(ctx, &request{method: http.MethodPost, path: "/configure_webhook"})
	if err != nil {
		return "", err
	}
	defer drainClose(resp.Body)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("reducto: %s: read response: %w", op, err)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		// Documented as a JSON string; accept a bare URL too.
		s = strings.TrimSpace(string(raw))
		if !strings.HasPrefix(s, "http") {
			return "", fmt.Errorf("reducto: %s: response is not a URL: %.200s", op, raw)
		}
	}
	if s == "" {
		return "", fmt.Errorf("reducto: %s: empty portal URL", op)
	}
	return s, nil
}

// DeleteUpload deletes an uploaded file by its file_id ("reducto://..."),
// which Reducto otherwise keeps until it expires. 404 means it is already
// gone or belongs to another organisation.
func (c *Client) DeleteUpload(ctx context.Context, fileID string) error {
	if fileID == "" {
		return fmt.Errorf("reducto: DELETE /upload: empty file id")
	}
	resp, err := c.do(ctx, &request{method: http.MethodDelete, path: "/upload/" + url.PathEscape(fileID)})
	if err != nil {
		return err
	}
	drainClose(resp.Body)
	return nil
}

// DeleteJob asks Reducto to delete a job and its artifacts early (202
// Accepted; the clean-up is asynchronous).
func (c *Client) DeleteJob(ctx context.Context, id string) error {
	if id == "" {
		return fmt.Errorf("reducto: DELETE /job: empty job id")
	}
	resp, err := c.do(ctx, &request{method: http.MethodDelete, path: "/job/" + url.PathEscape(id)})
	if err != nil {
		return err
	}
	drainClose(resp.Body)
	return nil
}

// AsyncMetadata returns the async.metadata the job was submitted with, read
// from RawConfig, or nil when RawConfig is empty (exclude_configs) or holds
// none. It also looks at the legacy webhook.metadata and a top-level
// metadata, since what raw_config echoes is not documented.
func (j ListedJob) AsyncMetadata() json.RawMessage {
	if j.RawConfig == "" {
		return nil
	}
	var cfg struct {
		Async    *struct{ Metadata json.RawMessage } `json:"async"`
		Webhook  *struct{ Metadata json.RawMessage } `json:"webhook"`
		Metadata json.RawMessage                     `json:"metadata"`
	}
	if json.Unmarshal([]byte(j.RawConfig), &cfg) != nil {
		return nil
	}
	var candidates []json.RawMessage
	if cfg.Async != nil {
		candidates = append(candidates, cfg.Async.Metadata)
	}
	if cfg.Webhook != nil {
		candidates = append(candidates, cfg.Webhook.Metadata)
	}
	for _, m := range append(candidates, cfg.Metadata) {
		if !isJSONNull(m) {
			return m
		}
	}
	return nil
}

func isJSONNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// parseLenientTime reads an RFC 3339 time, or a zone-less ISO datetime taken
// as UTC; anything else gives nil rather than an error.
func parseLenientTime(raw json.RawMessage) *time.Time {
	var s string
	if isJSONNull(raw) || json.Unmarshal(raw, &s) != nil || s == "" {
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t
		}
	}
	return nil
}
