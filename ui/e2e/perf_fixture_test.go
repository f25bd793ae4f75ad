//go:build e2e

package e2e

import (
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite" // the driver jobs/ uses; only to settle the fixture's unfinished rows

	"github.com/reductotray/reducto-tray/jobs/store"
)

// storeFixture finds the 1,000,000-job history the store benchmarks build
// and cache in $TMPDIR (jobs/store_bench_test.go); building it takes
// minutes, so a missing one skips with the command that builds it.
func storeFixture(b testing.TB) string {
	b.Helper()
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("reducto-tray-bench-s%d-f*-1000000.db", store.SchemaVersion())))
	if len(matches) == 0 {
		b.Skipf("no 1,000,000-job fixture in %s; build it with: go test -run '^$' -bench StoreList -benchtime 1x ./jobs/store/", os.TempDir())
	}
	sort.Strings(matches) // the newest fixture version sorts last for single digits
	return matches[len(matches)-1]
}

var finished struct {
	once sync.Once
	path string
	err  error
}

// finishedFixture is the store fixture with its unfinished jobs (4%: 40,000
// queued, uploading, pending or running for a year) marked completed,
// cached beside it. A real history of a million jobs has a handful in
// flight; 40,000 of them would make the engine resume 40,000 jobs at start
// (10,000 uploads of files that do not exist here), which is a test of
// recovery rather than of an idle app.
func finishedFixture(b testing.TB) string {
	b.Helper()
	src := storeFixture(b)
	finished.once.Do(func() {
		finished.path = strings.TrimSuffix(src, ".db") + "-finished.db"
		if _, err := os.Stat(finished.path); err == nil {
			return
		}
		tmp := finished.path + fmt.Sprintf(".building-%d", os.Getpid())
		if finished.err = copyFile(src, tmp); finished.err != nil {
			return
		}
		db, err := sql.Open("sqlite", "file:"+tmp)
		if err != nil {
			finished.err = fmt.Errorf("open %s: %w", tmp, err)
			return
		}
		_, err = db.Exec(`UPDATE jobs SET status = 'completed', completed_at = updated_at
			WHERE status IN ('queued', 'uploading', 'pending', 'running')`)
		if err == nil {
			_, err = db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		}
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(tmp)
			finished.err = fmt.Errorf("settle unfinished jobs in %s: %w", tmp, err)
			return
		}
		finished.err = os.Rename(tmp, finished.path)
	})
	if finished.err != nil {
		b.Fatal(finished.err)
	}
	return finished.path
}

// copyFile copies src to dst (mode 0600: a history names the user's files)
// and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("copy to %s: %w", dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	// Written back now, not by the kernel while the app under test starts.
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("sync %s: %w", dst, err)
	}
	return out.Close()
}
