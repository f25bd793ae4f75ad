package reducto

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// urlResult is a result Reducto delivered by reference because it was too
// large for the response (about 6 MB) or force_url_result was set.
type urlResult struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// ResolveResult returns job's result with any URL-form result replaced by
// the full one it points to, so what it returns is self-contained. Both
// places a URL form can appear are handled: as the result's own "result"
// (a parse response) and as the result itself. The downloaded payload may
// be an object with "chunks" or a bare array of chunks; either way it
// becomes {"type":"full","chunks":[...]}. A job without a result (not
// completed) gives nil. The presigned URL is fetched without the API key
// and should be fetched promptly: its lifetime is undocumented.
func (c *Client) ResolveResult(ctx context.Context, job *Job) (json.RawMessage, error) {
	if job == nil || isJSONNull(job.Result) {
		return nil, nil
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(job.Result, &top) != nil {
		return job.Result, nil // not an object: nothing to resolve
	}
	if u, ok := asURLResult(job.Result); ok {
		return c.fetchFullResult(ctx, u)
	}
	inner, ok := top["result"]
	if !ok {
		return job.Result, nil
	}
	u, ok := asURLResult(inner)
	if !ok {
		return job.Result, nil
	}
	full, err := c.fetchFullResult(ctx, u)
	if err != nil {
		return nil, err
	}
	top["result"] = full
	out, err := json.Marshal(top)
	if err != nil {
		return nil, fmt.Errorf("reducto: encode resolved result: %w", err)
	}
	return out, nil
}

func asURLResult(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return "", false
	}
	var u urlResult
	if json.Unmarshal(raw, &u) != nil || u.Type != "url" || u.URL == "" {
		return "", false
	}
	return u.URL, true
}

// fetchFullResult downloads a URL-form result and normalises it.
func (c *Client) fetchFullResult(ctx context.Context, rawURL string) (json.RawMessage, error) {
	resp, err := c.do(ctx, &request{method: http.MethodGet, absURL: rawURL})
	if err != nil {
		return nil, fmt.Errorf("fetch URL result: %w", err)
	}
	defer drainClose(resp.Body)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("fetch URL result: read: %w", err)
	}
	full, err := normaliseFullResult(body)
	if err != nil {
		return nil, fmt.Errorf("fetch URL result: %w", err)
	}
	return full, nil
}

// normaliseFullResult turns what a result URL holds into a FullResult
// object. Reducto's Python helper expects {"type":"full","chunks":[...]};
// its docs also describe "a JSON array of chunks"; a whole parse response
// around the full result is unwrapped too.
func normaliseFullResult(body []byte) (json.RawMessage, error) {
	body = bytes.TrimSpace(body)
	if !json.Valid(body) {
		return nil, fmt.Errorf("result is not valid JSON (%d bytes)", len(body))
	}
	switch {
	case len(body) > 0 && body[0] == '[':
		out := make([]byte, 0, len(body)+32)
		out = append(out, `{"type":"full","chunks":`...)
		out = append(out, body...)
		return append(out, '}'), nil
	case len(body) > 0 && body[0] == '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, err
		}
		if _, ok := obj["chunks"]; ok {
			if t, ok := obj["type"]; ok && string(t) == `"full"` {
				return body, nil
			}
			obj["type"] = json.RawMessage(`"full"`)
			return json.Marshal(obj)
		}
		if inner, ok := obj["result"]; ok {
			if _, isURL := asURLResult(inner); !isURL {
				return normaliseFullResult(inner)
			}
		}
	}
	return nil, fmt.Errorf("result holds neither chunks nor an array of chunks: %.100s", body)
}
