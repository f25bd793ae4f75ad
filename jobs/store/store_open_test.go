package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func pragmaString(t *testing.T, db *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestOpenStoreCreatesMigratesAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Reducto Tray data", "history.db")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	if got := pragmaString(t, s.w, "user_version"); got != strconv.Itoa(len(migrations)) {
		t.Fatalf("user_version = %s, want %d", got, len(migrations))
	}
	if got := pragmaString(t, s.w, "journal_mode"); got != "wal" {
		t.Fatalf("journal_mode = %s, want wal", got)
	}
	if got := pragmaString(t, s.w, "foreign_keys"); got != "1" {
		t.Fatalf("foreign_keys = %s, want 1", got)
	}
	if got := pragmaString(t, s.w, "busy_timeout"); got == "0" {
		t.Fatalf("busy_timeout not set")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode = %v, want 0600", fi.Mode().Perm())
	}
	created := mustCreate(t, s, testJob(1))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	got, err := s2.Get(context.Background(), created[0].ID)
	if err != nil {
		t.Fatalf("Get after reopen: %v", err)
	}
	if got.ClientRef != created[0].ClientRef {
		t.Fatalf("reopened job = %+v, want %+v", got, created[0])
	}
	if v := pragmaString(t, s2.w, "user_version"); v != strconv.Itoa(len(migrations)) {
		t.Fatalf("user_version after reopen = %s", v)
	}
}

// TestMigrateFromEachEarlierVersion builds a database at every earlier
// schema version, with a job row written the way that version would, and
// checks OpenStore brings it to the latest with the row searchable and
// counted.
func TestMigrateFromEachEarlierVersion(t *testing.T) {
	for v := 0; v < len(migrations); v++ {
		t.Run("from v"+strconv.Itoa(v), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.db")
			raw, err := sql.Open("sqlite", dsn(path, false))
			if err != nil {
				t.Fatal(err)
			}
			raw.SetMaxOpenConns(1)
			if err := migrate(context.Background(), raw, migrations[:v]); err != nil {
				t.Fatalf("migrate to v%d: %v", v, err)
			}
			if v >= 1 {
				if _, err := raw.Exec(`INSERT INTO jobs(file, name, kind, status, webhook, client_ref, created_at, updated_at)
					VALUES ('/data/Old Scan.pdf', 'Old Scan.pdf', 'parse', 'completed', 'none', 'r1', 1000, 2000)`); err != nil {
					t.Fatalf("insert at v%d: %v", v, err)
				}
			}
			raw.Close()

			s, err := Open(path)
			if err != nil {
				t.Fatalf("OpenStore from v%d: %v", v, err)
			}
			defer s.Close()
			if got := pragmaString(t, s.w, "user_version"); got != strconv.Itoa(len(migrations)) {
				t.Fatalf("user_version = %s", got)
			}
			want := 0
			if v >= 1 {
				want = 1
			}
			ctx := context.Background()
			found, err := s.List(ctx, jobs.Query{Search: "old sc"})
			if err != nil || len(found) != want {
				t.Fatalf("search after migration = %v, %v; want %d rows", found, err, want)
			}
			n, err := s.Count(ctx, jobs.Query{Statuses: []jobs.Status{jobs.StatusCompleted}})
			if err != nil || n != want {
				t.Fatalf("count after migration = %d, %v; want %d", n, err, want)
			}
			// The migrated schema must take new rows like a fresh one.
			mustCreate(t, s, testJob(7))
			if n, _ := s.Count(ctx, jobs.Query{}); n != want+1 {
				t.Fatalf("count after create = %d, want %d", n, want+1)
			}
		})
	}
}

func TestOpenStoreRefusesNewerSchema(t *testing.T) {
	_, path := newTestStore(t)
	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("OpenStore on a newer schema: err = %v, want a 'newer' error", err)
	}
	if _, err := OpenReadOnly(path); err == nil || !strings.Contains(err.Error(), "99") {
		t.Fatalf("OpenStoreReadOnly on a newer schema: err = %v", err)
	}
}

func TestOpenNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	text := strings.Repeat("these are not the pages you are looking for\n", 200)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), "not a SQLite database") || !strings.Contains(err.Error(), path) {
		t.Fatalf("OpenStore(text file): err = %v, want a clear 'not a SQLite database' error naming the file", err)
	}
	_, err = OpenReadOnly(path)
	if err == nil || !strings.Contains(err.Error(), "not a SQLite database") {
		t.Fatalf("OpenStoreReadOnly(text file): err = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != text {
		t.Fatal("opening a foreign file modified it")
	}
}

func TestOpenStoreReadOnlyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.db")
	if _, err := OpenReadOnly(path); err == nil {
		t.Fatal("OpenStoreReadOnly of a missing file succeeded")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("OpenStoreReadOnly created %s", path)
	}
}

func TestReadOnlyStoreRejectsWrites(t *testing.T) {
	s, path := newTestStore(t)
	j := mustCreate(t, s, testJob(1))[0]
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatalf("OpenStoreReadOnly: %v", err)
	}
	defer ro.Close()
	ctx := context.Background()
	if _, err := ro.Create(ctx, []jobs.Job{testJob(2)}); err == nil {
		t.Error("Create on a read-only store succeeded")
	}
	if _, _, err := ro.Update(ctx, j.ID, jobs.StatusFailed, Patch{}); err == nil {
		t.Error("Update on a read-only store succeeded")
	}
	if _, err := ro.RecordDeliveries(ctx, []string{"x"}); err == nil {
		t.Error("RecordDeliveries on a read-only store succeeded")
	}
	// Even raw SQL cannot write through the read pool (mode=ro).
	if _, err := ro.r.Exec(`DELETE FROM jobs`); err == nil {
		t.Error("raw DELETE through the read-only pool succeeded")
	}
	got, err := ro.Get(ctx, j.ID)
	if err != nil || got.Status != jobs.StatusQueued {
		t.Fatalf("Get through read-only store = %+v, %v", got, err)
	}
}

// TestReadOnlyAfterWriterClosed covers `jobs --json` run while the app is
// not running: the WAL's -shm file is gone and must not be needed.
func TestReadOnlyAfterWriterClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, testJob(1), testJob(2))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatalf("OpenStoreReadOnly with no writer: %v", err)
	}
	defer ro.Close()
	js, err := ro.List(context.Background(), jobs.Query{})
	if err != nil || len(js) != 2 {
		t.Fatalf("List = %d jobs, %v; want 2", len(js), err)
	}
}

// TestDiskFullSurfaces caps the database size (what a full disk looks like
// to SQLite) and checks a write fails with a wrapped SQLITE_FULL, atomically,
// and that the store works again once there is room.
func TestDiskFullSurfaces(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	mustCreate(t, s, testJob(0))
	var pages int
	if err := s.w.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec("PRAGMA max_page_count = " + strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	batch := make([]jobs.Job, 500)
	for i := range batch {
		batch[i] = testJob(i + 1)
		batch[i].File = "/x/" + strings.Repeat("long name ", 30) + strconv.Itoa(i%10)
	}
	_, err := s.Create(ctx, batch)
	if err == nil {
		t.Fatal("Create into a full database succeeded")
	}
	if !strings.Contains(err.Error(), "create job") || !strings.Contains(err.Error(), "full") {
		t.Fatalf("error %q lacks context or the cause", err)
	}
	if n, err := s.Count(ctx, jobs.Query{}); err != nil || n != 1 {
		t.Fatalf("after the failed batch Count = %d, %v; want 1 (all or nothing)", n, err)
	}
	if _, err := s.w.Exec("PRAGMA max_page_count = 1000000"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, batch); err != nil {
		t.Fatalf("Create once there is room: %v", err)
	}
}

// TestCorruptDatabaseSurfaces overwrites the pages after the header with
// garbage: reads must fail with an error, not return wrong rows.
func TestCorruptDatabaseSurfaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	batch := make([]jobs.Job, 2000)
	for i := range batch {
		batch[i] = testJob(i)
	}
	mustCreate(t, s, batch...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	for off := int64(4096); off < fi.Size(); off += int64(len(junk)) {
		if _, err := f.WriteAt(junk, off); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()

	s2, err := Open(path)
	if err != nil {
		if !strings.Contains(err.Error(), path) {
			t.Fatalf("open error does not name the file: %v", err)
		}
		return
	}
	defer s2.Close()
	_, err = s2.List(context.Background(), jobs.Query{})
	if err == nil {
		t.Fatal("List on a corrupt database returned no error")
	}
	if !strings.Contains(err.Error(), "list jobs") {
		t.Fatalf("error lacks context: %v", err)
	}
}

// TestWithSync: the writer's durability is an option; the read pool is
// never affected.
func TestWithSync(t *testing.T) {
	for _, c := range []struct {
		opts []Option
		want string
	}{
		{nil, map[Sync]string{SyncNormal: "1", SyncFull: "2"}[DefaultSync]},
		{[]Option{WithSync(SyncFull)}, "2"},
		{[]Option{WithSync(SyncNormal)}, "1"},
	} {
		s, err := Open(filepath.Join(t.TempDir(), "history.db"), c.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got := pragmaString(t, s.w, "synchronous"); got != c.want {
			t.Errorf("Open(%d options): synchronous = %s, want %s", len(c.opts), got, c.want)
		}
		mustCreate(t, s, testJob(1))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
