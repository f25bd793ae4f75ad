package relay

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TokenFile is the file in the data folder that keeps the relay token, so
// the public URL stays the same across restarts.
const TokenFile = "relay_token"

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
// prefix), creating it on first use. An unreadable or corrupt file is an
// error, never a reason to mint a new token: that would silently change the
// public URL registered with senders.
func loadOrCreateToken(home string) (string, error) {
	path := filepath.Join(home, TokenFile)
	tok, err := readToken(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return tok, err
	}
	tok, err = generateToken()
	if err != nil {
		return "", err
	}
	if err := createExclusive(home, path, tok); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process created it first; theirs wins.
			return readToken(path)
		}
		return "", err
	}
	return tok, nil
}

func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read relay token: %w", err)
	}
	tok := strings.TrimPrefix(strings.TrimSpace(string(b)), "c_")
	if !validToken(tok) {
		return "", fmt.Errorf("relay token in %s is not base62; fix or delete the file (deleting it changes the public URL)", path)
	}
	return tok, nil
}

// createExclusive writes tok to path only if path does not exist, and never
// lets a reader see a half-written file: it writes a private temporary file
// and hard-links it into place (link fails if the name exists).
func createExclusive(home, path, tok string) error {
	tmp, err := os.CreateTemp(home, ".relay_token-")
	if err != nil {
		return fmt.Errorf("write relay token: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(tok + "\n")
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("write relay token: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return fmt.Errorf("write relay token: %w", err)
	}
	err = os.Link(tmp.Name(), path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	// Some file systems have no hard links: fall back to an exclusive create.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write relay token: %w", err)
	}
	_, werr = f.WriteString(tok + "\n")
	if err := errors.Join(werr, f.Close()); err != nil {
		return fmt.Errorf("write relay token: %w", err)
	}
	return nil
}
