package reducto_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func TestCheckSecureURL(t *testing.T) {
	for u, ok := range map[string]bool{
		"https://platform.reducto.ai":     true,
		"https://eu.platform.reducto.ai/": true,
		"http://127.0.0.1:8080":           true,
		"http://127.9.8.7":                true,
		"http://localhost:7433":           true,
		"http://LOCALHOST.":               true,
		"http://[::1]:9000/base":          true,
		"http://platform.reducto.ai":      false,
		"http://10.0.0.5":                 false,
		"http://0.0.0.0:80":               false,
		"http://localhost.evil.example":   false,
		"http://[::ffff:7f00:1]":          true, // IPv4-mapped 127.0.0.1
		"ftp://example.com":               false,
		"platform.reducto.ai":             false,
		"https://":                        false,
		"://bad":                          false,
	} {
		err := reducto.CheckSecureURL(u, "public URL")
		if (err == nil) != ok {
			t.Errorf("CheckSecureURL(%q) = %v, want ok=%v", u, err, ok)
			continue
		}
		if err != nil && (!strings.Contains(err.Error(), "public URL") || !strings.Contains(err.Error(), "https://")) {
			t.Errorf("CheckSecureURL(%q): %q does not name the URL and what is allowed", u, err)
		}
	}
	if err := reducto.CheckBaseURL("http://api.example.com"); !errors.Is(err, reducto.ErrInsecureURL) ||
		!strings.Contains(err.Error(), "API base URL") || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("CheckBaseURL(plain http) = %v", err)
	}
	if err := reducto.CheckBaseURL(""); err != nil {
		t.Errorf("CheckBaseURL(\"\") = %v, want nil (the default)", err)
	}
}

// countingTransport records whether anything was about to be sent.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return nil, errors.New("test transport: not sending")
}

// The client never sends to a plain-http host that is not loopback: the
// key and documents would cross the network in clear text.
func TestClientRefusesInsecureBaseURL(t *testing.T) {
	tr := &countingTransport{}
	c := reducto.New("http://platform.reducto.ai", "secret-key", reducto.WithHTTPClient(&http.Client{Transport: tr}))
	_, err := c.GetJob(context.Background(), "j")
	if !errors.Is(err, reducto.ErrInsecureURL) {
		t.Errorf("GetJob err = %v, want ErrInsecureURL", err)
	}
	if _, err := c.ParseAsync(context.Background(), reducto.ParseRequest{Input: "https://e.com/a.pdf"}); !errors.Is(err, reducto.ErrInsecureURL) {
		t.Errorf("ParseAsync err = %v, want ErrInsecureURL", err)
	}
	if reducto.IsTransient(err) {
		t.Error("a refused URL counts as transient")
	}
	if n := tr.n.Load(); n != 0 {
		t.Errorf("%d requests were handed to the transport", n)
	}
	// Switching to https lifts the refusal.
	c.SetCredentials("https://platform.reducto.ai", "secret-key")
	_, _ = c.GetJob(context.Background(), "j")
	if tr.n.Load() == 0 {
		t.Error("https base URL: nothing sent")
	}
}
