package assets

import (
	"bytes"
	"encoding/xml"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The formats the app opens are declared three times for three readers:
// FyneApp.toml (fyne package), the desktop entry (file managers' "Open
// with") and the AppStream metainfo (software centres). They must agree.
func TestOpenedMIMETypesAgreeEverywhere(t *testing.T) {
	toml, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^MimeTypes\s*=\s*"([^"]*)"`).FindSubmatch(toml)
	if m == nil {
		t.Fatal("FyneApp.toml: no [CanOpen] MimeTypes")
	}
	fromToml := splitList(string(m[1]))

	d := regexp.MustCompile(`(?m)^MimeType=(.*)$`).FindSubmatch(DesktopEntry)
	if d == nil {
		t.Fatal("desktop entry: no MimeType=")
	}
	fromDesktop := splitList(string(d[1]))

	metainfo, err := os.ReadFile("ai.reducto.tray.metainfo.xml")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Provides struct {
			MediaTypes []string `xml:"mediatype"`
		} `xml:"provides"`
		Launchable string `xml:"launchable"`
	}
	if err := xml.NewDecoder(bytes.NewReader(metainfo)).Decode(&meta); err != nil {
		t.Fatalf("metainfo: %v", err)
	}
	fromMeta := slices.Clone(meta.Provides.MediaTypes)
	slices.Sort(fromMeta)

	if len(fromToml) == 0 || !slices.Equal(fromToml, fromDesktop) || !slices.Equal(fromToml, fromMeta) {
		t.Errorf("opened MIME types differ:\nFyneApp.toml %v\ndesktop      %v\nmetainfo     %v", fromToml, fromDesktop, fromMeta)
	}
	if meta.Launchable != DesktopFileName {
		t.Errorf("metainfo launchable %q; want the desktop entry %q", meta.Launchable, DesktopFileName)
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ";") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}
