package settings

import (
	"os"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/datadir"
)

func TestAccountRetentionDefaultValidatedAndSaved(t *testing.T) {
	home := t.TempDir()
	// A file from before the setting keeps the default.
	if err := os.WriteFile(datadir.SettingsPath(home), []byte(`{"region":"us","listen":"127.0.0.1:7433","notifications":"all","upload_concurrency":4}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Load(home)
	if err != nil {
		t.Fatal(err)
	}
	if s.AccountRetentionDays != 90 || s.AccountRetention() != 90*24*time.Hour {
		t.Fatalf("retention from an older file = %d days (%s), want 90", s.AccountRetentionDays, s.AccountRetention())
	}
	for _, bad := range []int{0, -1, MaxAccountRetentionDays + 1} {
		s.AccountRetentionDays = bad
		if err := Save(home, s); err == nil {
			t.Fatalf("saved a retention of %d days", bad)
		}
		// Should a hand edit put it in the file, it reads as the default
		// rather than pruning everything.
		if s.AccountRetention() != 90*24*time.Hour {
			t.Fatalf("retention %d reads as %s", bad, s.AccountRetention())
		}
	}
	s.AccountRetentionDays = 30
	if err := Save(home, s); err != nil {
		t.Fatal(err)
	}
	got, err := Load(home)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccountRetentionDays != 30 || got.AccountRetention() != 30*24*time.Hour {
		t.Fatalf("saved 30 days, loaded %d", got.AccountRetentionDays)
	}
}
