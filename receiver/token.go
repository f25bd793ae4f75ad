package receiver

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// tokenBytes is the token's entropy; it is stored and used as hex.
const tokenBytes = 32

// LoadOrCreateToken returns the per-install direct-mode token kept in
// <home>/direct_token, creating it (32 random bytes, hex) on first use. The
// file is always 0600; one that does not hold a valid token is replaced.
// Errors never contain the token.
func LoadOrCreateToken(home string) (string, error) {
	return settings.Token{
		Path:           datadir.DirectTokenPath(home),
		What:           "direct token",
		New:            newToken,
		Valid:          validToken,
		ReplaceInvalid: true,
	}.LoadOrCreate()
}

func newToken() (string, error) {
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return hex.EncodeToString(raw), nil
}

func validToken(tok string) bool {
	if len(tok) != 2*tokenBytes {
		return false
	}
	_, err := hex.DecodeString(tok)
	return err == nil
}

// DirectURL is the URL Reducto is given in direct mode:
// {publicURL}/webhooks/direct/{token}.
func DirectURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + PathDirectPrefix + token
}
