package langfont

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/fontscan"
	"github.com/go-text/typesetting/language"

	_ "github.com/reductotray/reducto-tray/ui/internal/localeenv" // a C locale in CI
)

// TestTargetsThisFyne pins the Fyne version whose painter variables the
// linkname names: on an upgrade, check fm, loaded and fontScanLock in the
// new fyne.io/fyne/v2/internal/painter/font.go, then move this.
func TestTargetsThisFyne(t *testing.T) {
	// A test binary's build info lists no modules: go.mod says.
	mod, err := os.ReadFile(filepath.Join("..", "..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^\s*fyne\.io/fyne/v2 v2\.7\.1$`).Match(mod) || bytes.Contains(mod, []byte("fyne.io/fyne/v2 =>")) {
		t.Fatal("go.mod has another fyne.io/fyne/v2 than v2.7.1: check langfont's linkname targets against it, then update this test")
	}
}

// recordingLog keeps fontscan's messages.
type recordingLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *recordingLog) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, fmt.Sprintf(format, args...))
}

func (l *recordingLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.msgs, "\n")
}

// TestFyneUsesTheMap installs a map without the system's fonts (so the
// test does not depend on the machine's), then has Fyne measure text in
// each style: a letter no font has makes Fyne ask the map, which says so in
// its log, so the map Fyne asked is this one.
func TestFyneUsesTheMap(t *testing.T) {
	log := &recordingLog{}
	fm := install(func() *fontscan.FontMap { return newMap(log, false) })
	if fm == nil || painterFontMap != fm || !painterFontMapLoaded {
		t.Fatal("the map was not installed")
	}
	test.NewTempApp(t)
	const unmapped = '\U0010FFFD' // a private-use letter no font draws
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Monospace: true}} {
		if s := fyne.MeasureText("Invoice "+string(unmapped), 14, style); s.Width <= 0 {
			t.Fatalf("style %+v measured %v", style, s)
		}
	}
	if !strings.Contains(log.text(), "U+10FFFD") {
		t.Fatalf("Fyne did not look the letter up in this map; its log:\n%s", log.text())
	}
}

// TestEnglishResolvesToTheThemeFaceInEveryStyle asks the map with the
// system's fonts what Fyne's painter asks for each style (the aspects as
// it builds them): the one theme face, not a system font parsed per style.
// A language the theme does not cover still gets a system font, if the
// machine has one.
func TestEnglishResolvesToTheThemeFaceInEveryStyle(t *testing.T) {
	fm := newMap(quietLog{}, true)
	if fm == nil {
		t.Skip("no system fonts to scan")
	}
	en, ok := fontscan.NewLangID(language.NewLanguage("en-US"))
	if !ok {
		t.Fatal("fontscan knows no English")
	}
	var first *font.Face
	for _, a := range []font.Aspect{{Style: font.StyleNormal}, {Style: font.StyleNormal, Weight: font.WeightBold},
		{Style: font.StyleItalic}, {Style: font.StyleItalic, Weight: font.WeightBold}} {
		fm.SetQuery(fontscan.Query{Families: []string{fontscan.SansSerif}, Aspect: a})
		face := fm.ResolveFaceForLang(en)
		if face == nil {
			t.Fatalf("aspect %+v: no face for English", a)
		}
		if loc := fm.FontLocation(face.Font); loc.File != themeFace {
			t.Errorf("aspect %+v: English resolves to %q, not the theme's face", a, loc.File)
		}
		if first == nil {
			first = face
		} else if face != first {
			t.Errorf("aspect %+v: a second face", a)
		}
	}
	// Noto Sans has no Hebrew: the language gets a system font (or none),
	// and a Hebrew letter in a file name is looked up among the system's
	// fonts, as Fyne's own map did (DejaVu Sans has it, where installed).
	he, _ := fontscan.NewLangID(language.NewLanguage("he"))
	fm.SetQuery(fontscan.Query{Families: []string{fontscan.SansSerif}, Aspect: font.Aspect{Style: font.StyleNormal}})
	if face := fm.ResolveFaceForLang(he); face != nil && fm.FontLocation(face.Font).File == themeFace {
		t.Error("Hebrew resolves to the theme's face, which has no Hebrew")
	}
	fm.SetQuery(fontscan.Query{Families: []string{fontscan.SansSerif}})
	const alef = '\u05d0'
	face := fm.ResolveFace(alef)
	_, has := face.NominalGlyph(alef)
	if _, dejavu := fm.FindSystemFont("DejaVu Sans"); dejavu && !has {
		t.Errorf("DejaVu Sans is installed, yet a Hebrew letter resolves to %q, which lacks it", fm.FontLocation(face.Font).File)
	}
}
