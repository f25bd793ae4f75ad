package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Token is a secret token kept in a file of the data folder (the direct
// webhook path token, the Svix relay token): made on first use, private
// (0600, tightened in place if found looser), and the same for two
// processes that start together.
type Token struct {
	// Path is the file that keeps the token.
	Path string
	// What names the token in errors, e.g. "direct token".
	What string
	// New mints a fresh token.
	New func() (string, error)
	// Valid reports whether a token read from the file can be used.
	Valid func(string) bool
	// Normalize, if set, turns the file's trimmed content into the token
	// (e.g. drops a wire prefix).
	Normalize func(string) string
	// ReplaceInvalid mints a new token over a file that holds an invalid
	// one; otherwise that is an error, for tokens whose change a user
	// would notice (the relay's public URL is made from its token).
	ReplaceInvalid bool
}

// errInvalidToken marks a token file whose content is not a token.
var errInvalidToken = errors.New("the file does not hold a valid token")

// LoadOrCreate returns the token, creating the file on first use. Errors
// never contain the token.
func (t Token) LoadOrCreate() (string, error) {
	if err := os.MkdirAll(filepath.Dir(t.Path), 0o700); err != nil {
		return "", fmt.Errorf("create data folder: %w", err)
	}
	tok, err := t.read()
	switch {
	case err == nil:
		return tok, nil
	case errors.Is(err, errInvalidToken) && t.ReplaceInvalid:
		return t.create(true)
	case errors.Is(err, fs.ErrNotExist):
		return t.create(false)
	}
	return "", err
}

func (t Token) read() (string, error) {
	fi, err := os.Lstat(t.Path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", t.What, err)
	}
	if !fi.Mode().IsRegular() {
		// A symlink or device could point the secret somewhere shared.
		return "", fmt.Errorf("%s %s is not a regular file", t.What, t.Path)
	}
	if fi.Mode().Perm() != 0o600 {
		if err := os.Chmod(t.Path, 0o600); err != nil {
			return "", fmt.Errorf("%s %s has mode %v and cannot be made 0600: %w", t.What, t.Path, fi.Mode().Perm(), err)
		}
	}
	b, err := os.ReadFile(t.Path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", t.What, err)
	}
	tok := strings.TrimSpace(string(b))
	if t.Normalize != nil {
		tok = t.Normalize(tok)
	}
	if !t.Valid(tok) {
		return "", fmt.Errorf("%s in %s: %w; fix or delete the file", t.What, t.Path, errInvalidToken)
	}
	return tok, nil
}

// create writes a new token: a complete file is linked into place, so a
// concurrent reader never sees half a token and of two processes starting
// together the loser reads the winner's.
func (t Token) create(replace bool) (string, error) {
	tok, err := t.New()
	if err != nil {
		return "", fmt.Errorf("generate %s: %w", t.What, err)
	}
	data := []byte(tok + "\n")
	if replace {
		if err := WriteFileAtomic(t.Path, data); err != nil {
			return "", fmt.Errorf("replace %s: %w", t.What, err)
		}
		return tok, nil
	}
	if err := CreateFileExclusive(t.Path, data); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return t.read()
		}
		return "", fmt.Errorf("write %s: %w", t.What, err)
	}
	return tok, nil
}
