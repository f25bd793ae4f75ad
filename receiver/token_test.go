package receiver

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/datadir"
)

func TestLoadOrCreateToken(t *testing.T) {
	home := filepath.Join(t.TempDir(), "new", "home")
	tok, err := LoadOrCreateToken(home)
	if err != nil {
		t.Fatal(err)
	}
	if !validToken(tok) {
		t.Fatalf("token %q is not 64 hex characters", tok)
	}
	if fi, err := os.Stat(home); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("home mode = %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	path := datadir.DirectTokenPath(home)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode = %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	again, err := LoadOrCreateToken(home)
	if err != nil || again != tok {
		t.Fatalf("second load = %q, %v; want the same token", again, err)
	}
	other, err := LoadOrCreateToken(t.TempDir())
	if err != nil || other == tok {
		t.Fatalf("another install got %q, %v; want a different token", other, err)
	}
	entries, _ := os.ReadDir(home)
	if len(entries) != 1 {
		t.Fatalf("data folder holds %d entries, want only the token", len(entries))
	}
}

func TestTokenPermissionsRepaired(t *testing.T) {
	home := t.TempDir()
	tok, err := LoadOrCreateToken(home)
	if err != nil {
		t.Fatal(err)
	}
	path := datadir.DirectTokenPath(home)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadOrCreateToken(home)
	if err != nil || got != tok {
		t.Fatalf("load = %q, %v; want the same token", got, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode after load = %v, want 0600", fi.Mode().Perm())
	}
}

func TestTokenCorruptReplaced(t *testing.T) {
	home := t.TempDir()
	path := datadir.DirectTokenPath(home)
	if err := os.WriteFile(path, []byte("half a tok"), 0o600); err != nil {
		t.Fatal(err)
	}
	tok, err := LoadOrCreateToken(home)
	if err != nil || !validToken(tok) {
		t.Fatalf("load = %q, %v; want a fresh valid token", tok, err)
	}
	b, _ := os.ReadFile(path)
	if strings.TrimSpace(string(b)) != tok {
		t.Fatalf("file holds %q, want the new token", b)
	}
}

func TestTokenSymlinkRejected(t *testing.T) {
	home := t.TempDir()
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.WriteFile(target, []byte(strings.Repeat("ab", 32)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, datadir.DirectTokenPath(home)); err != nil {
		t.Fatal(err)
	}
	if tok, err := LoadOrCreateToken(home); err == nil {
		t.Fatalf("load through a symlink = %q, want an error", tok)
	}
}

func TestTokenConcurrentCreate(t *testing.T) {
	home := t.TempDir()
	const n = 8
	toks := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			tok, err := LoadOrCreateToken(home)
			if err != nil {
				t.Error(err)
			}
			toks[i] = tok
		})
	}
	wg.Wait()
	for _, tok := range toks[1:] {
		if tok != toks[0] {
			t.Fatalf("concurrent starts disagree: %q vs %q", tok, toks[0])
		}
	}
}
