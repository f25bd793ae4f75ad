package settings

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func TestLoadMissingGivesDefaults(t *testing.T) {
	s, err := Load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if s.Listen != DefaultListen || s.Defaults.Webhook != jobs.WebhookNone || s.UploadConcurrency != 4 {
		t.Fatalf("defaults = %+v", s)
	}
}

func TestSaveLoadRoundTripAndMode(t *testing.T) {
	home := t.TempDir()
	s := Default()
	s.Region = RegionEU
	s.Defaults.Webhook = jobs.WebhookSvix
	s.Defaults.Channels = []string{"prod"}
	s.UploadConcurrency = 8
	if err := Save(home, s); err != nil {
		t.Fatal(err)
	}
	got, err := Load(home)
	if err != nil {
		t.Fatal(err)
	}
	if got.BaseURL() != reducto.BaseURLEU || got.Defaults.Channels[0] != "prod" || got.UploadConcurrency != 8 {
		t.Fatalf("round trip = %+v", got)
	}
	info, err := os.Stat(datadir.SettingsPath(home))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", info.Mode().Perm())
	}
}

func TestSaveRejectsInvalid(t *testing.T) {
	s := Default()
	s.Defaults.Webhook = "sometimes"
	if err := Save(t.TempDir(), s); err == nil {
		t.Fatal("invalid webhook mode saved")
	}
}

func TestCorruptFileReportsAndFallsBack(t *testing.T) {
	home := t.TempDir()
	if err := os.WriteFile(datadir.SettingsPath(home), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Load(home)
	if err == nil {
		t.Fatal("corrupt file gave no error")
	}
	if s.Listen != DefaultListen {
		t.Fatalf("fallback = %+v", s)
	}
}

func TestSecretsFileFallback(t *testing.T) {
	home := t.TempDir()
	sec := NewSecrets(home, false)
	if v, err := sec.Get(SecretAPIKey); err != nil || v != "" {
		t.Fatalf("empty store = %q, %v", v, err)
	}
	if err := sec.Set(SecretAPIKey, "key-123456789"); err != nil {
		t.Fatal(err)
	}
	if v, _ := sec.Get(SecretAPIKey); v != "key-123456789" {
		t.Fatalf("got %q", v)
	}
	info, err := os.Stat(filepath.Join(home, SecretAPIKey))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode: %v %v", info, err)
	}
	if err := sec.Set(SecretAPIKey, ""); err != nil {
		t.Fatal(err)
	}
	if v, _ := sec.Get(SecretAPIKey); v != "" {
		t.Fatalf("deleted secret still %q", v)
	}
}

func TestValidateWebhookSecretAndMask(t *testing.T) {
	if ValidateWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") != nil {
		t.Fatal("valid secret rejected")
	}
	if ValidateWebhookSecret("hunter2") == nil {
		t.Fatal("invalid secret accepted")
	}
	if m := Mask("sk_live_abcdefgh1234"); m == "sk_live_abcdefgh1234" || m[len(m)-4:] != "1234" {
		t.Fatalf("mask = %q", m)
	}
}

func TestCreateFileExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	if err := CreateFileExclusive(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	if err := CreateFileExclusive(path, []byte("second")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second create: %v, want fs.ErrExist", err)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "first" {
		t.Fatalf("content = %q, %v", data, err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v", info.Mode().Perm())
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".token.*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}
