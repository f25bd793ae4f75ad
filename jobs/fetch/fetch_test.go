package fetch_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/fetch"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// TestGetRules: a loopback body under the cap comes back; over the cap, a
// non-200 (typed), a plain-http host that is not loopback and a redirect
// to one are refused with errors that say so and never name the query.
func TestGetRules(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/doc.pdf":
			_, _ = w.Write([]byte("%PDF-1.7 filled"))
		case "/expired.pdf":
			http.Error(w, "AccessDenied", http.StatusForbidden)
		case "/away":
			http.Redirect(w, r, "http://example.com/doc.pdf", http.StatusFound)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	l := fetch.Limit{What: "filled document", MaxBytes: 1 << 10, Timeout: 5 * time.Second}
	if b, err := fetch.Get(ctx, nil, srv.URL+"/doc.pdf?X-Amz-Signature=secret", l); err != nil || string(b) != "%PDF-1.7 filled" {
		t.Fatalf("Get = %q, %v", b, err)
	}
	small := l
	small.MaxBytes = 4
	if _, err := fetch.Get(ctx, nil, srv.URL+"/doc.pdf", small); !errors.Is(err, fetch.ErrTooLarge) || !strings.Contains(err.Error(), "over the limit of 4 bytes") {
		t.Errorf("over the cap: %v", err)
	}
	var se *fetch.StatusError
	if _, err := fetch.Get(ctx, nil, srv.URL+"/expired.pdf?X-Amz-Signature=secret", l); !errors.As(err, &se) || se.Code != 403 || strings.Contains(err.Error(), "secret") {
		t.Errorf("403: %v", err)
	}
	if _, err := fetch.Get(ctx, nil, "http://example.com/doc.pdf", l); !errors.Is(err, reducto.ErrInsecureURL) {
		t.Errorf("plain http to another host: %v", err)
	}
	if _, err := fetch.Get(ctx, nil, srv.URL+"/away", l); !errors.Is(err, reducto.ErrInsecureURL) || !strings.Contains(err.Error(), "filled document redirect") {
		t.Errorf("redirect to plain http: %v", err)
	}
}
