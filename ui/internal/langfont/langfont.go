// Package langfont fills Fyne's system-font fallback map before the first
// text is measured, so that a language the theme's font already covers
// costs no second font parsed from disk for every text style.
//
// Fyne's painter (fyne.io/fyne/v2/internal/painter, font.go) keeps the
// system fonts it falls back on in package variables, filled on first use
// under fontScanLock. For every text style its CachedFontFace adds the
// system face fontscan picks for the user's language; under an English
// locale that is DejaVu Sans (or Liberation, Cantarell…) read from disk
// and parsed whole, 4.7 MiB of heap per style, regular and bold at least,
// for letters the theme's own Noto Sans has (docs/benchmarks.md, "Idle
// footprint"). Fyne offers no setting for it, so Load fills the map itself
// the way Fyne would, plus the theme's regular face under the generic
// family for every aspect (filed as the family fontscan tries first for
// it): a language the theme covers resolves to that one
// face, shared by all styles; any other language (Chinese, Japanese,
// Arabic…) still gets its system face, and a letter the theme lacks (an
// emoji in a file name) is still looked up across the system's fonts.
//
// The variables' names and types are Fyne v2.7.1's: TestTargetsThisFyne
// fails when the module moves, so they are checked against the new
// source before the version in that test does.
package langfont

import (
	"bytes"
	"sync"
	_ "unsafe" // go:linkname

	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/fontscan"
)

//go:linkname painterFontMap fyne.io/fyne/v2/internal/painter.fm
var painterFontMap *fontscan.FontMap

//go:linkname painterFontMapLoaded fyne.io/fyne/v2/internal/painter.loaded
var painterFontMapLoaded bool

//go:linkname painterFontScanLock fyne.io/fyne/v2/internal/painter.fontScanLock
var painterFontScanLock sync.Mutex

// quietLog drops fontscan's messages, as Fyne's own map does.
type quietLog struct{}

func (quietLog) Printf(string, ...any) {}

// themeFace names the theme's face in the map (it has no file on disk).
const themeFace = "fyne-theme:regular"

// firstSansSerif is the family the theme's face is filed under: the first
// that fontscan's substitution table (fontconfig's) tries for the generic
// sans-serif family Fyne asks for, so the face wins over the system's
// DejaVu Sans, Liberation Sans… A machine with the real DejaVu LGC Sans
// installed keeps today's behaviour: a tie goes to the system's font.
const firstSansSerif = "DejaVu LGC Sans"

// aspects are the text styles Fyne asks the map for (regular, bold,
// italic, bold italic).
var aspects = []font.Aspect{
	{Style: font.StyleNormal, Weight: font.WeightNormal, Stretch: font.StretchNormal},
	{Style: font.StyleNormal, Weight: font.WeightBold, Stretch: font.StretchNormal},
	{Style: font.StyleItalic, Weight: font.WeightNormal, Stretch: font.StretchNormal},
	{Style: font.StyleItalic, Weight: font.WeightBold, Stretch: font.StretchNormal},
}

// Load fills Fyne's fallback font map with newMap's: the system's fonts,
// scanned as Fyne scans them, with the theme's regular face first for the
// generic sans-serif family. It does nothing if Fyne has loaded its map
// already, so it must run before the first window's content is built.
func Load() { install(func() *fontscan.FontMap { return newMap(quietLog{}, true) }) }

// install puts the map made by build in Fyne's painter, unless Fyne has
// one; it returns the map Fyne uses.
func install(build func() *fontscan.FontMap) *fontscan.FontMap {
	painterFontScanLock.Lock()
	defer painterFontScanLock.Unlock()
	if !painterFontMapLoaded {
		painterFontMapLoaded = true
		painterFontMap = build()
	}
	return painterFontMap
}

// newMap is the fallback map: the system's fonts if system is set (nil if
// they cannot be scanned, which leaves Fyne without fallback, as its own
// scan would), and the theme's regular face filed under firstSansSerif for
// every aspect. It is never drawn in place of a style's own theme face,
// only asked for letters that one lacks, so one parsed face serves all.
func newMap(log fontscan.Logger, system bool) *fontscan.FontMap {
	fm := fontscan.NewFontMap(log)
	if system {
		if err := fm.UseSystemFonts(""); err != nil {
			return nil
		}
	}
	if face, err := font.ParseTTF(bytes.NewReader(theme.DefaultTextFont().Content())); err == nil {
		for i, a := range aspects {
			fm.AddFace(face, fontscan.Location{File: themeFace, Index: uint16(i)},
				font.Description{Family: firstSansSerif, Aspect: a})
		}
	}
	return fm
}
