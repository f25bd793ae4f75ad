package safefs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Two originals moved at once to the same free name: with a look
// (Lstat) before the rename, both saw "a.pdf" free and the second rename
// replaced the first original (60 in 3,000 runs). Every original must
// arrive, each under its own name.
func TestConcurrentMovesToOneFreeNameLoseNothing(t *testing.T) {
	runs := 3000
	if testing.Short() {
		runs = 300
	}
	root := t.TempDir()
	for i := range runs {
		dir := filepath.Join(root, fmt.Sprint(i))
		dst := filepath.Join(dir, "processed")
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		srcs := []string{filepath.Join(dir, "a.pdf"), filepath.Join(dir, "sub-a.pdf")}
		for k, s := range srcs {
			write(t, s, fmt.Sprint("original ", k))
		}
		var wg sync.WaitGroup
		got := make([]string, len(srcs))
		errs := make([]error, len(srcs))
		for k, s := range srcs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[k], errs[k] = MoveFree(s, filepath.Join(dst, "a.pdf"))
			}()
		}
		wg.Wait()
		for k := range srcs {
			if errs[k] != nil {
				t.Fatalf("run %d: move %d: %v", i, k, errs[k])
			}
			if c := read(t, got[k]); c != fmt.Sprint("original ", k) {
				t.Fatalf("run %d: %s holds %q; want original %d", i, got[k], c, k)
			}
		}
		if got[0] == got[1] {
			t.Fatalf("run %d: both moved to %s", i, got[0])
		}
		if ents, _ := os.ReadDir(dst); len(ents) != 2 {
			t.Fatalf("run %d: %d files in processed/; want 2", i, len(ents))
		}
	}
}

func TestMoveNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	write(t, src, "new")
	write(t, dst, "someone else's")
	if err := Move(src, dst); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Move over a file: %v; want fs.ErrExist", err)
	}
	if read(t, dst) != "someone else's" || read(t, src) != "new" {
		t.Fatal("a refused move changed a file")
	}
	p, err := MoveFree(src, dst)
	if err != nil || p != filepath.Join(dir, "b (2)") {
		t.Fatalf("MoveFree = %q, %v; want b (2)", p, err)
	}
}

func TestWriteFreeConcurrentWritersEachGetTheirOwnName(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "t.csv"), "user's")
	const n = 16
	var wg sync.WaitGroup
	paths := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := WriteFree(dir, "t", ".csv", 0o644, func(w io.Writer) error {
				_, err := fmt.Fprint(w, "writer ", i)
				return err
			})
			if err != nil {
				t.Error(err)
			}
			paths[i] = p
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, p := range paths {
		if seen[p] {
			t.Fatalf("%s written twice", p)
		}
		seen[p] = true
		if c := read(t, p); c != fmt.Sprint("writer ", i) {
			t.Fatalf("%s holds %q; want writer %d", p, c, i)
		}
	}
	if read(t, filepath.Join(dir, "t.csv")) != "user's" {
		t.Fatal("the user's file was replaced")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != n+1 {
		t.Fatalf("%d entries; want %d (no temporary file left)", len(ents), n+1)
	}
}

func TestWriteNewRefusesAnExistingNameAndALink(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	write(t, secret, "secret")
	link := filepath.Join(dir, "out")
	if err := os.Symlink(secret, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := WriteNew(link, 0o600, []byte("data")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("WriteNew over a link: %v; want fs.ErrExist", err)
	}
	if read(t, secret) != "secret" {
		t.Fatal("written through the link")
	}
	p := filepath.Join(dir, "new")
	if err := WriteNew(p, 0o600, []byte("data")); err != nil || read(t, p) != "data" {
		t.Fatalf("WriteNew: %v", err)
	}
}

func TestReplaceReplacesALinkNotItsTarget(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	write(t, secret, "secret")
	p := filepath.Join(dir, "settings.json")
	if err := os.Symlink(secret, p); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := Replace(p, 0o600, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if read(t, secret) != "secret" || read(t, p) != "{}" {
		t.Fatal("Replace wrote through a link")
	}
	if info, _ := os.Lstat(p); !info.Mode().IsRegular() || (runtime.GOOS != "windows" && info.Mode().Perm() != 0o600) {
		t.Fatalf("mode %v; want a regular 0600 file", info.Mode())
	}
}

func TestOpenDoesNotFollowALinkAndIdentityTellsVersions(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.pdf")
	write(t, secret, "%PDF secret")
	p := filepath.Join(dir, "a.pdf")
	write(t, p, "%PDF one")
	f, id, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "%PDF one" || id.Size != int64(len(b)) || id.Ino == 0 {
		t.Fatalf("read %q, identity %+v", b, id)
	}
	// The same name, a new file (an editor's save): not the same.
	write(t, p+".new", "%PDF two")
	if err := os.Rename(p+".new", p); err != nil {
		t.Fatal(err)
	}
	id2, err := Stat(p)
	if err != nil || id2.Same(id) {
		t.Fatalf("a new file at the name: %+v same as %+v (%v)", id2, id, err)
	}
	os.Remove(p)
	if err := os.Symlink(secret, p); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if _, _, err := Open(p); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("Open of a link: %v; want ErrNotRegular", err)
	}
}

func TestMoveIfMovesOnlyTheVersionAsked(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.pdf")
	write(t, p, "old scan")
	old, err := Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	write(t, p+".tmp", "corrected scan, longer")
	if err := os.Rename(p+".tmp", p); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "processed", "a.pdf")
	os.MkdirAll(filepath.Dir(dst), 0o755)
	if _, err := MoveIf(p, old, dst); !errors.Is(err, ErrChanged) {
		t.Fatalf("MoveIf of a newer file: %v; want ErrChanged", err)
	}
	if read(t, p) != "corrected scan, longer" {
		t.Fatal("the newer file moved")
	}
	cur, _ := Stat(p)
	to, err := MoveIf(p, cur, dst)
	if err != nil || to != dst || !bytes.Equal([]byte(read(t, dst)), []byte("corrected scan, longer")) {
		t.Fatalf("MoveIf = %q, %v", to, err)
	}
}
