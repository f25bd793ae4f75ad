package reducto_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// A deleted job answers 409 while the deletion runs and then 410: both
// must end in a "gone" error, as must the not-found answers.
func TestGoneJob(t *testing.T) {
	answers := []int{409, 410}
	n := 0
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		code := answers[min(n, len(answers)-1)]
		n++
		writeJSON(w, code, `{"detail":"Job deleted"}`)
	})
	_, err := e.c.GetJob(context.Background(), "deleted")
	if !reducto.IsGone(err) || !errors.Is(err, reducto.ErrGone) {
		t.Fatalf("err = %v: IsGone %v, ErrGone %v", err,
			reducto.IsGone(err), errors.Is(err, reducto.ErrGone))
	}
	if reducto.IsTransient(err) {
		t.Error("a gone job counts as transient")
	}
	if n != 2 {
		t.Errorf("%d requests, want the 409 retried once", n)
	}
}

func TestGoneCodes(t *testing.T) {
	status := 0
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, status, `{"detail":"x"}`) },
		reducto.WithMaxRetries(0))
	for code, want := range map[int]bool{404: true, 410: true, 400: true, 422: true, 409: false, 403: false, 500: false} {
		status = code
		_, err := e.c.GetJob(context.Background(), "j")
		if got := reducto.IsGone(err); got != want {
			t.Errorf("GET /job %d: IsGone = %v, want %v", code, got, want)
		}
	}
	// On other endpoints only 404 and 410 mean gone: a 400 to a submission
	// is a bad request.
	for code, want := range map[int]bool{404: true, 410: true, 400: false, 422: false} {
		status = code
		err := e.c.Cancel(context.Background(), "j")
		if got := reducto.IsGone(err); got != want {
			t.Errorf("POST /cancel %d: IsGone = %v, want %v", code, got, want)
		}
	}
}
