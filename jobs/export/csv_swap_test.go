package export

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fsnotify/fsnotify"
)

// Someone who can write to the export folder swaps every CSV name for a
// link to a secret file as soon as it appears. WriteCSVs used to reserve
// the name with an empty O_EXCL file and then write the table by name,
// through whatever was there by then: the link, so the secret was
// overwritten. Now the table reaches its name complete and is never
// written by name, so the secret stays as it was.
func TestWriteCSVsNeverWritesThroughALinkSwappedIn(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), ".npmrc")
	const secretText = "//registry.npmjs.org/:_authToken=secret\n"
	if err := os.WriteFile(secret, []byte(secretText), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "probe")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	tables := fixtureTables(t)[:1]
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case ev := <-w.Events:
				if !ev.Has(fsnotify.Create) || !strings.HasSuffix(ev.Name, ".csv") {
					continue
				}
				if info, err := os.Lstat(ev.Name); err == nil && info.Mode().IsRegular() && os.Remove(ev.Name) == nil {
					_ = os.Symlink(secret, ev.Name)
				}
			}
		}
	}()
	for i := 0; i < 300; i++ {
		if _, err := WriteCSVs(dir, "report", tables); err != nil {
			t.Logf("write %d: %v", i, err)
		}
	}
	close(stop)
	wg.Wait()
	if b, _ := os.ReadFile(secret); string(b) != secretText {
		t.Fatalf("the secret behind a swapped-in link was overwritten: %q", b)
	}
}
