package reducto_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func TestSubmitBodiesAndJobID(t *testing.T) {
	var got map[string]map[string]any
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("decode: %v", err)
		}
		if got == nil {
			got = map[string]map[string]any{}
		}
		got[r.URL.Path] = body
		writeJSON(w, 200, `{"job_id":"job-`+r.URL.Path[1:]+`"}`)
	})
	ctx := context.Background()
	async := &reducto.AsyncConfig{Metadata: json.RawMessage(`{"ref":"u-1"}`), Webhook: &reducto.WebhookConfig{Mode: "svix", Channels: []string{"prod"}}}
	id, err := e.c.ParseAsync(ctx, reducto.ParseRequest{Input: "reducto://a.pdf", Async: async,
		Settings: &reducto.ParseSettings{PageRange: &reducto.PageRange{Start: 1, End: 5}}})
	if err != nil || id != "job-parse_async" {
		t.Fatalf("ParseAsync = %q, %v", id, err)
	}
	if id, err := e.c.ExtractAsync(ctx, reducto.ExtractRequest{Input: "reducto://a.pdf", Instructions: &reducto.Instructions{Schema: json.RawMessage(`{"type":"object"}`)}}); err != nil || id != "job-extract_async" {
		t.Fatalf("ExtractAsync = %q, %v", id, err)
	}
	if id, err := e.c.SplitAsync(ctx, reducto.SplitRequest{Input: "reducto://a.pdf", SplitDescription: []reducto.SplitDescription{{Name: "a", Description: "b"}}}); err != nil || id != "job-split_async" {
		t.Fatalf("SplitAsync = %q, %v", id, err)
	}
	p := got["/parse_async"]
	if p["input"] != "reducto://a.pdf" {
		t.Errorf("parse input = %v", p["input"])
	}
	a, _ := p["async"].(map[string]any)
	md, _ := a["metadata"].(map[string]any)
	wh, _ := a["webhook"].(map[string]any)
	if md["ref"] != "u-1" || wh["mode"] != "svix" {
		t.Errorf("parse async = %v", p["async"])
	}
	if _, ok := got["/extract_async"]["instructions"]; !ok {
		t.Error("extract body lacks instructions")
	}
	if _, ok := got["/split_async"]["split_description"]; !ok {
		t.Error("split body lacks split_description")
	}
}

// TestSubmitAmbiguity checks which failures of a submission say "the job
// may exist" and that none of them is retried.
func TestSubmitAmbiguity(t *testing.T) {
	cases := []struct {
		name      string
		h         http.HandlerFunc
		ambiguous bool
		attempts  int64
	}{
		{"connection closed after the body was read", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			hangUp(t, w)
		}, true, 1},
		{"2xx without job_id", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) }, true, 1},
		{"2xx not JSON", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `<html>`) }, true, 1},
		{"408", status(408), true, 1},
		{"409", status(409), true, 1},
		{"500", status(500), true, 1},
		{"502", status(502), true, 1},
		{"503", status(503), true, 1},
		{"504", status(504), true, 1},
		{"400", status(400), false, 1},
		{"401", status(401), false, 1},
		{"413", status(413), false, 1},
		{"422", status(422), false, 1},
		{"442", status(442), false, 1},
		{"429 every time", status(429), false, 3},
		{"429 with x-should-retry false", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("x-should-retry", "false")
			writeJSON(w, 429, `{"message":"[CODE 1000] rate limit exceeded"}`)
		}, false, 1},
		{"503 with x-should-retry true stays ambiguous", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("x-should-retry", "true")
			writeJSON(w, 503, `{"detail":"busy"}`)
		}, true, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.h)
			id, err := e.c.ParseAsync(context.Background(), reducto.ParseRequest{Input: "reducto://f"})
			if err == nil {
				t.Fatalf("no error, job %q", id)
			}
			if got := reducto.IsAmbiguous(err); got != tc.ambiguous {
				t.Errorf("IsAmbiguous = %v, want %v (err %v)", got, tc.ambiguous, err)
			}
			if got := errors.Is(err, reducto.ErrAmbiguous); got != tc.ambiguous {
				t.Errorf("errors.Is(err, ErrAmbiguous) = %v", got)
			}
			if n := e.calls.Load(); n != tc.attempts {
				t.Errorf("%d attempts, want %d", n, tc.attempts)
			}
		})
	}
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		writeJSON(w, code, `{"detail":"status `+strconv.Itoa(code)+`"}`)
	}
}

func TestSubmitAmbiguousKeepsCause(t *testing.T) {
	e := newEnv(t, status(502))
	_, err := e.c.ParseAsync(context.Background(), reducto.ParseRequest{Input: "reducto://f"})
	var ae *reducto.APIError
	var amb *reducto.AmbiguousError
	if !errors.As(err, &ae) || ae.StatusCode != 502 || !errors.As(err, &amb) || amb.Op != "POST /parse_async" {
		t.Fatalf("err = %v: want an AmbiguousError around the 502", err)
	}
	if msg := err.Error(); strings.Count(msg, "POST /parse_async") != 1 || !strings.Contains(msg, "may have been processed") {
		t.Errorf("Error() = %q", msg)
	}
}

func TestSubmitRetriesRateLimit(t *testing.T) {
	var n atomic.Int64
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		if n.Add(1) == 1 {
			w.Header().Set("retry-after-ms", "40")
			writeJSON(w, 429, `{"message":"[CODE 1000] rate limit exceeded, retry with exponential backoff"}`)
			return
		}
		writeJSON(w, 200, `{"job_id":"j-2"}`)
	})
	id, err := e.c.ParseAsync(context.Background(), reducto.ParseRequest{Input: "reducto://f"})
	if err != nil || id != "j-2" {
		t.Fatalf("ParseAsync = %q, %v", id, err)
	}
	if d := e.clk.Delays(); len(d) != 1 || d[0].Milliseconds() != 40 {
		t.Errorf("waits %v, want one of 40ms", d)
	}
}

func TestSubmitConnectionRefusedIsSafeToRetry(t *testing.T) {
	clk := newFakeClock()
	c := reducto.New(refusedURL(t), testKey, reducto.WithClock(clk))
	_, err := c.ParseAsync(context.Background(), reducto.ParseRequest{Input: "reducto://f"})
	if err == nil || reducto.IsAmbiguous(err) {
		t.Fatalf("err = %v, want a non-ambiguous connection error", err)
	}
	if d := clk.Delays(); len(d) != 2 {
		t.Errorf("waits %v: a refused connection should be retried twice", d)
	}
}

func TestSubmitCancelledAfterSendingIsAmbiguous(t *testing.T) {
	received := make(chan struct{})
	release := make(chan struct{})
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		close(received)
		<-release
	})
	t.Cleanup(func() { close(release) }) // runs before the server closes
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-received
		cancel()
	}()
	_, err := e.c.ParseAsync(ctx, reducto.ParseRequest{Input: "reducto://f"})
	if !reducto.IsAmbiguous(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ambiguous and context.Canceled", err)
	}
	if n := e.calls.Load(); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}
