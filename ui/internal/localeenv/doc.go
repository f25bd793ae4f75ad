// Package localeenv keeps Fyne quiet under the C locale. Import it for its
// side effect, before (or alongside) anything that imports Fyne:
//
//	import _ "github.com/reductotray/reducto-tray/ui/internal/localeenv"
//
// Fyne's lang package reads the user's locale in its package init, through
// github.com/jeandeaual/go-locale, and parses it as a BCP 47 tag. go-locale
// takes the first of LC_ALL, LC_MESSAGES and LANG that is set. It maps the
// exact values "C" and "POSIX" to "no locale" (Fyne then uses English), but
// passes "C.UTF-8" (the default of many servers and containers) on as the
// language "C", which does not parse: Fyne logs three "Fyne error: Error
// parsing user locale C" lines on stderr before main even runs, so every
// command prints them, `--help` included, and the desktop prints them again
// whenever a widget asks for the system locale.
//
// The one input go-locale reads ahead of those is LANGUAGE, GNU's list of
// preferred message languages, which it honours unless the locale is
// exactly "C" or "POSIX". So when LANGUAGE is unset and the locale is of the
// C/POSIX family, this package sets LANGUAGE=en: go-locale answers "en" and
// Fyne falls back to English, as it would for plain "C", without a word.
// Child processes are not changed in any way that matters: GNU gettext
// ignores LANGUAGE under the C locale, and English is what C means anyway.
//
// Fyne gives no hook that runs before its init, so the variable has to be set
// by a package initialised earlier. Go (1.21 and later) defines that order:
// at each step it initialises the first package, by import path, whose
// imports are all initialised. This package imports only os and strings.
// fyne.io/fyne/v2/lang needs golang.org/x/text/language first, which itself
// needs os and strings (through fmt), and whose path sorts after this
// package's github.com/reductotray/... path: by the time x/text/language
// could be picked, this package could be too and comes first in the order,
// so it always runs before Fyne's lang. Keep it that way: no imports beyond
// the standard library packages fmt already needs, and a path sorting
// before golang.org/. TestQuietUnderCLocale checks it with Fyne's lang in
// a test binary; ui/e2e/locale_test.go checks the built app.
package localeenv
