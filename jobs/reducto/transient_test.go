package reducto_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func TestIsTransient(t *testing.T) {
	status := 0
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, status, `{"detail":"x"}`) },
		reducto.WithMaxRetries(0))
	for code, want := range map[int]bool{500: true, 502: true, 503: true, 504: true, 429: true, 408: true, 409: true,
		400: false, 401: false, 403: false, 404: false, 410: false, 422: false, 442: false} {
		status = code
		_, err := e.c.GetJob(context.Background(), "j")
		if got := reducto.IsTransient(err); got != want {
			t.Errorf("GET /job %d: IsTransient = %v, want %v", code, got, want)
		}
	}
	// A submission cut off after it was sent is ambiguous: transient.
	status = 502
	_, err := e.c.ParseAsync(context.Background(), reducto.ParseRequest{Input: "https://e.com/a.pdf"})
	if !reducto.IsAmbiguous(err) || !reducto.IsTransient(err) {
		t.Errorf("ambiguous submission %v: IsTransient false", err)
	}

	// Connection refused, a reset and a per-attempt timeout.
	c := reducto.New(refusedURL(t), "k", reducto.WithMaxRetries(0))
	_, err = c.GetJob(context.Background(), "j")
	if !reducto.IsTransient(err) {
		t.Errorf("refused connection %v: IsTransient false", err)
	}
	hang := newEnv(t, func(w http.ResponseWriter, r *http.Request) { hangUp(t, w) }, reducto.WithMaxRetries(0))
	_, err = hang.c.ListJobs(context.Background(), reducto.ListJobsParams{})
	if err == nil || !reducto.IsTransient(err) {
		t.Errorf("reset connection %v: IsTransient false", err)
	}
	block := make(chan struct{})
	defer close(block)
	slow := newEnv(t, func(w http.ResponseWriter, r *http.Request) { <-block }, reducto.WithMaxRetries(0))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := slow.c.GetJob(ctx, "j"); !reducto.IsTransient(err) {
		t.Errorf("timeout %v: IsTransient false", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = e.c.GetJob(ctx, "j")
	if reducto.IsTransient(err) {
		t.Errorf("cancelled call %v: IsTransient true", err)
	}
	if reducto.IsTransient(nil) || reducto.IsTransient(errors.New("boom")) || reducto.IsTransient(fmt.Errorf("x: %w", context.Canceled)) {
		t.Error("IsTransient true for nil, a plain error or a cancellation")
	}
}
