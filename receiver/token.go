package receiver

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/reductotray/reducto-tray/jobs/settings"
)

// TokenFile is the name of the direct-mode token file in the data folder.
const TokenFile = "direct_token"

// tokenBytes is the token's entropy; it is stored and used as hex.
const tokenBytes = 32

// LoadOrCreateToken returns the per-install direct-mode token kept in
// <home>/direct_token, creating it (32 random bytes, hex) on first use. The
// folder is created 0700 if missing; the file is always 0600: a file found
// readable by others is tightened in place, and one that does not hold a
// valid token is replaced. Errors never contain the token.
func LoadOrCreateToken(home string) (string, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return "", fmt.Errorf("create data folder: %w", err)
	}
	path := filepath.Join(home, TokenFile)
	tok, err := readToken(path)
	switch {
	case err == nil:
		return tok, nil
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, errBadToken):
	default:
		return "", err
	}
	return createToken(path, errors.Is(err, errBadToken))
}

var errBadToken = errors.New("direct token file does not hold a token")

// readToken reads an existing token, repairing its permissions.
func readToken(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", fmt.Errorf("direct token: %w", err)
	}
	if !fi.Mode().IsRegular() {
		// A symlink or device could point the secret somewhere shared.
		return "", fmt.Errorf("direct token %s is not a regular file", path)
	}
	if fi.Mode().Perm() != 0o600 {
		if err := os.Chmod(path, 0o600); err != nil {
			return "", fmt.Errorf("direct token %s has mode %v and cannot be made 0600: %w", path, fi.Mode().Perm(), err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read direct token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if !validToken(tok) {
		return "", errBadToken
	}
	return tok, nil
}

func validToken(tok string) bool {
	if len(tok) != 2*tokenBytes {
		return false
	}
	_, err := hex.DecodeString(tok)
	return err == nil
}

// createToken writes a new token atomically: a complete temp file is linked
// into place, so a concurrent reader never sees a half-written token, and
// two processes starting together agree on one token (the link of the
// loser fails and it reads the winner's). replace is set when an invalid
// file is to be overwritten.
func createToken(path string, replace bool) (string, error) {
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("generate direct token: %w", err)
	}
	tok := hex.EncodeToString(raw)

	data := []byte(tok + "\n")
	if replace {
		if err := settings.WriteFileAtomic(path, data); err != nil {
			return "", fmt.Errorf("replace direct token: %w", err)
		}
		return tok, nil
	}
	if err := settings.CreateFileExclusive(path, data); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readToken(path)
		}
		return "", fmt.Errorf("install direct token: %w", err)
	}
	return tok, nil
}

// DirectURL is the URL Reducto is given in direct mode:
// {publicURL}/webhooks/direct/{token}.
func DirectURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + PathDirectPrefix + token
}
