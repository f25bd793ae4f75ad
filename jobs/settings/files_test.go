package settings

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/datadir"
)

// TestDataFolderFiles: the settings file and the secrets' file fallback are
// where jobs/datadir says, and a secret's file never takes the name of
// another of the data folder's files.
func TestDataFolderFiles(t *testing.T) {
	home := t.TempDir()
	others := map[string]bool{
		datadir.DatabasePath(home): true, datadir.LogPath(home): true, datadir.SettingsPath(home): true,
		datadir.ControlSocketPath(home): true, datadir.ControlLockPath(home): true, datadir.ControlAddrPath(home): true,
		datadir.DirectTokenPath(home): true, datadir.RelayTokenPath(home): true,
		datadir.SandboxStatePath(home): true, datadir.PresetsDir(home): true,
	}
	for _, name := range []string{SecretAPIKey, SecretWebhook} {
		if p := datadir.SecretPath(home, name); others[p] || filepath.Dir(p) != home {
			t.Errorf("secret %s: %s is taken or not directly in the data folder", name, p)
		}
	}
	if err := Save(home, Default()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(datadir.SettingsPath(home)); err != nil {
		t.Fatalf("Save did not write datadir.SettingsPath: %v", err)
	}
	sec := NewSecrets(home, false) // the file fallback only
	if err := sec.Set(SecretAPIKey, "key-for-the-test"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(datadir.SecretPath(home, SecretAPIKey)); err != nil || len(b) == 0 {
		t.Fatalf("the secrets file fallback is not at datadir.SecretPath: %q, %v", b, err)
	}
}
