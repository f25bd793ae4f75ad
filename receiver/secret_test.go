package receiver

import (
	"bytes"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func b64(n int) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, n)) }

func TestValidateSecret(t *testing.T) {
	good := []string{"whsec_" + b64(16), "whsec_" + b64(24), "whsec_" + b64(32), b64(24), fuzzSecret}
	for _, s := range good {
		if err := ValidateSecret(s); err != nil {
			t.Errorf("ValidateSecret(%q) = %v, want nil", s, err)
		}
	}
	bad := map[string]string{
		"":                    "empty",
		"whsec_":              "empty",
		"whsec_" + b64(8):     "8 bytes, at least 16",
		"whsec_" + b64(15):    "15 bytes, at least 16",
		b64(15):               "15 bytes",
		"whsec_not base64 !!": "not valid base64",
	}
	for s, want := range bad {
		err := ValidateSecret(s)
		if err == nil {
			t.Errorf("ValidateSecret(%q) = nil, want an error", s)
			continue
		}
		if !errors.Is(err, ErrWeakSecret) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "whsec_") {
			t.Errorf("ValidateSecret(%q) = %q, want ErrWeakSecret saying %q and what is expected", s, err, want)
		}
		if len(s) > len("whsec_")+4 && strings.Contains(err.Error(), strings.TrimPrefix(s, "whsec_")) {
			t.Errorf("ValidateSecret(%q) puts the secret in its error: %q", s, err)
		}
	}
}

// lockedBuffer is a log sink safe for the receiver's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Fault 6: an empty or short Svix key was accepted, and anyone could sign
// with it. Every delivery is now refused, with one clear warning.
func TestShortSecretVerifiesNothing(t *testing.T) {
	for _, short := range []string{"whsec_", "whsec_" + b64(8), b64(15)} {
		t.Run(short, func(t *testing.T) {
			var logs lockedBuffer
			sink := newCountSink()
			s, base := startServer(t, Config{
				Secret: func() string { return short },
				Sink:   sink, Log: newMemLog(),
				Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			})
			c := testClient()
			// The forger knows the short key (or guesses it): the
			// signature is correct for it.
			for i := range 3 {
				id := "msg_forged_" + string(rune('a'+i))
				resp, _ := do(t, c, svixRequest(t, base, short, "svix", id, time.Now(), reductoBody("job-forged", "Completed")))
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("delivery signed with a short key: status = %d, want 401", resp.StatusCode)
				}
			}
			if got := s.Stats().Rejected[ReasonNoSecret]; got != 3 {
				t.Fatalf("no_secret rejections = %d, want 3", got)
			}
			if sink.total.Load() != 0 {
				t.Fatalf("a forged delivery reached the sink")
			}
			if n := strings.Count(logs.String(), "svix deliveries are refused"); n != 1 {
				t.Fatalf("%d warnings for a short key, want exactly 1; logs:\n%s", n, logs.String())
			}
			if !strings.Contains(logs.String(), "at least 16") && !strings.Contains(logs.String(), "empty") {
				t.Fatalf("the warning does not say what is wrong:\n%s", logs.String())
			}
		})
	}
}
