package reducto_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func TestAPIErrorShapes(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		msg, code string
		typ       string
		retryable bool
	}{
		{"error object", 400, nil, `{"error":{"message":"Failed to download file from url","type":"file_download_failure","code":400}}`,
			"Failed to download file from url", "400", "file_download_failure", false},
		{"error object string code", 415, nil, `{"error":{"message":"conversion failed","type":"conversion","code":"E415"}}`,
			"conversion failed", "E415", "conversion", false},
		{"error string", 403, nil, `{"error":"forbidden url"}`, "forbidden url", "", "", false},
		{"detail string", 401, nil, `{"detail":"Invalid API key"}`, "Invalid API key", "", "", false},
		{"detail validation list", 422, nil,
			`{"detail":[{"loc":["body","input"],"msg":"Field required","type":"missing"},{"loc":["body","settings","page_range",0],"msg":"bad","type":"int_type"}]}`,
			"body.input: Field required; body.settings.page_range.0: bad", "", "missing", false},
		{"message code 2000", 429, nil, `{"message":"[CODE 2000] rate limit exceeded, please use webhooks instead of polling"}`,
			"[CODE 2000] rate limit exceeded, please use webhooks instead of polling", "2000", "", true},
		{"message code 1000", 429, nil, `{"message":"[CODE 1000] rate limit exceeded, retry with exponential backoff"}`,
			"[CODE 1000] rate limit exceeded, retry with exponential backoff", "1000", "", true},
		{"raw text", 502, nil, "upstream LLM provider error\n", "upstream LLM provider error", "", "", true},
		{"html page", 504, nil, "<html><body>Gateway Timeout</body></html>", "Gateway Timeout", "", "", true},
		{"empty body", 409, nil, "", "Conflict", "", "", true},
		{"password protected", 442, nil, `{"detail":"document is password protected"}`, "document is password protected", "", "", false},
		{"x-should-retry false", 503, map[string]string{"x-should-retry": "false"}, `{"detail":"overloaded"}`, "overloaded", "", "", false},
		{"x-should-retry true", 400, map[string]string{"x-should-retry": "true"}, `{"detail":"try again"}`, "try again", "", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}, reducto.WithMaxRetries(0))
			_, err := e.c.GetJob(context.Background(), "j1")
			var ae *reducto.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v (%T) is not an *APIError", err, err)
			}
			if ae.StatusCode != tc.status || ae.Message != tc.msg || ae.Code != tc.code || ae.Type != tc.typ || ae.Retryable != tc.retryable {
				t.Errorf("got status %d msg %q code %q type %q retryable %v", ae.StatusCode, ae.Message, ae.Code, ae.Type, ae.Retryable)
			}
			if ae.Body != tc.body {
				t.Errorf("Body = %q, want %q", ae.Body, tc.body)
			}
			if !strings.Contains(err.Error(), "GET /job/j1") || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Error() = %q lacks the operation or message", err.Error())
			}
		})
	}
}

func TestErrorHelpers(t *testing.T) {
	status := 0
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, status, `{"detail":"x"}`)
	}, reducto.WithMaxRetries(0))
	ctx := context.Background()
	get := func(code int) error { status = code; _, err := e.c.GetJob(ctx, "gone"); return err }
	post := func(code int) error {
		status = code
		_, err := e.c.ParseAsync(ctx, reducto.ParseRequest{Input: "reducto://f"})
		return err
	}
	for _, code := range []int{404, 400, 422} {
		if !reducto.IsGone(get(code)) {
			t.Errorf("GET /job %d: IsGone false, want true (job gone)", code)
		}
	}
	if reducto.IsGone(get(500)) || reducto.IsGone(get(429)) {
		t.Error("IsGone true for 500/429 on GET /job")
	}
	if reducto.IsGone(post(422)) || reducto.IsGone(post(400)) {
		t.Error("IsGone true for a submission's validation error")
	}
	if !reducto.IsGone(post(404)) {
		t.Error("IsGone false for a 404")
	}
	if !reducto.IsRateLimited(get(429)) || reducto.IsRateLimited(get(503)) {
		t.Error("IsRateLimited wrong")
	}
	if !reducto.IsAuth(get(401)) || !reducto.IsAuth(get(403)) || reducto.IsAuth(get(404)) {
		t.Error("IsAuth wrong")
	}
	if reducto.IsGone(errors.New("plain")) || reducto.IsAmbiguous(errors.New("plain")) {
		t.Error("helpers match a plain error")
	}
}
