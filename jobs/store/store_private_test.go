package store

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// modeOf returns the permission bits of path.
func modeOf(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestOpenNarrowsExistingFiles: a history, WAL and index left world-readable
// (an older build, a wider umask, a restore from backup) are made 0600 by
// the next open (issue 7, fault 6).
func TestOpenNarrowsExistingFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	s, path := newTestStore(t)
	mustCreate(t, s, testJob(1)) // the WAL and its index exist while s is open
	files := []string{path, path + "-wal", path + "-shm"}
	for _, p := range files {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for _, p := range files {
		if m := modeOf(t, p); m != 0o600 {
			t.Errorf("%s: mode %v after open, want 0600", filepath.Base(p), m)
		}
	}
}

// TestOpenCreatesPrivateFiles: a fresh history and the WAL files SQLite
// creates for it are 0600.
func TestOpenCreatesPrivateFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustCreate(t, s, testJob(1))
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := modeOf(t, p); m != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), m)
		}
	}
}
