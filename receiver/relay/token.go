package relay

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// tokenLen and base62 match the Svix CLI's generate_token, so a token copied
// from the CLI's config works here and vice versa.
const (
	tokenLen = 27
	base62   = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// generateToken returns tokenLen uniformly random base62 characters.
func generateToken() (string, error) {
	out := make([]byte, 0, tokenLen)
	buf := make([]byte, 64)
	for len(out) < tokenLen {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("random relay token: %w", err)
		}
		for _, b := range buf {
			// 248 = 4*62: rejecting the top bytes keeps every character
			// equally likely.
			if b < 248 && len(out) < tokenLen {
				out = append(out, base62[b%62])
			}
		}
	}
	return string(out), nil
}

func validToken(tok string) bool {
	if tok == "" || len(tok) > 256 {
		return false
	}
	for _, r := range tok {
		if !strings.ContainsRune(base62, r) {
			return false
		}
	}
	return true
}

// loadOrCreateToken returns the folder's relay token (without the c_ wire
// prefix), creating it on first use. A corrupt file is an error, never a
// reason to mint a new token: that would silently change the public URL
// registered with senders.
func loadOrCreateToken(home string) (string, error) {
	return settings.Token{
		Path:      datadir.RelayTokenPath(home),
		What:      "relay token",
		New:       generateToken,
		Valid:     validToken,
		Normalize: func(s string) string { return strings.TrimPrefix(s, "c_") },
	}.LoadOrCreate()
}
