package store

import (
	"go/build"
	"slices"
	"testing"
)

// TestStoreImportsNoHTTPClient: the history is opened by the read-only
// commands (jobs --json, deliveries --json, search) and by tests of every
// layer, so it stays below the settings and the Reducto client (net/http's
// Header type is only data here); what it needs of the data folder comes
// from jobs/datadir.
func TestStoreImportsNoHTTPClient(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, banned := range []string{
		"github.com/reductotray/reducto-tray/jobs/settings",
		"github.com/reductotray/reducto-tray/jobs/reducto",
	} {
		if slices.Contains(pkg.Imports, banned) {
			t.Errorf("jobs/store imports %s", banned)
		}
	}
}
