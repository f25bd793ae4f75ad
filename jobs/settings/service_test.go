package settings

import (
	"errors"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestServiceSavesPublishesAndAppliesEnvOverrides(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{EnvAPIKey: "rk_env"}
	weak := errors.New("weak")
	svc, err := NewService(ServiceConfig{Home: home, Secrets: NewSecrets(home, false),
		Getenv: func(k string) string { return env[k] },
		CheckSecret: func(s string) error {
			if len(s) < 20 {
				return weak
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	var got []Effective
	cancel := svc.Subscribe(func(e Effective) { got = append(got, e) })
	if _, err := svc.Update(func(s *Settings) { s.UploadConcurrency = 9 }); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetSecret(SecretAPIKey, "rk_stored"); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].UploadConcurrency != 9 || got[1].APIKey != "rk_env" || !got[1].KeyFromEnv {
		t.Fatalf("published %+v; want the new concurrency, then the env key in force", got)
	}
	if err := svc.SetSecret(SecretWebhook, "whsec_short"); !errors.Is(err, weak) {
		t.Fatalf("weak secret: %v", err)
	}
	if err := svc.Save(Settings{Region: "mars"}); err == nil {
		t.Fatal("invalid settings saved")
	}
	cancel()
	if _, err := svc.Update(func(s *Settings) { s.UploadConcurrency = 3 }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatal("an unsubscribed func was still called")
	}
	reloaded, err := Load(home)
	if err != nil || reloaded.UploadConcurrency != 3 {
		t.Fatalf("saved concurrency %d, %v", reloaded.UploadConcurrency, err)
	}
	env[EnvSecret] = "whsec_short"
	if err := svc.CheckEnv(); err == nil || !strings.Contains(err.Error(), EnvSecret) {
		t.Fatalf("invalid env secret: %v", err)
	}
	env[EnvSecret] = ""
	env[EnvBaseURL] = "http://api.example.com"
	if err := svc.CheckEnv(); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("plain-http env base URL: %v", err)
	}
}

func TestServiceSettingsAreCopies(t *testing.T) {
	home := t.TempDir()
	svc, err := NewService(ServiceConfig{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Update(func(s *Settings) {
		s.WatchFolders = append(s.WatchFolders, jobs.WatchFolder{Path: "/a"})
		s.Defaults.Channels = []string{"prod"}
	}); err != nil {
		t.Fatal(err)
	}
	got := svc.Settings()
	got.WatchFolders[0].Path = "/changed"
	got.Defaults.Channels[0] = "changed"
	again := svc.Settings()
	if again.WatchFolders[0].Path != "/a" || again.Defaults.Channels[0] != "prod" {
		t.Fatalf("a caller's change reached the service: %+v", again)
	}
}
