package localeenv

import "strings"

// Fallback is the LANGUAGE value set under a C locale: English, which is
// what the C locale means and what Fyne falls back to.
const Fallback = "en"

// languageFor says what LANGUAGE should be set to, given the environment
// (getenv): Fallback when LANGUAGE is unset and the locale go-locale would
// read (the first of LC_ALL, LC_MESSAGES and LANG that is set) is a C or
// POSIX locale with a suffix, such as C.UTF-8, C.utf8 or POSIX.UTF-8, which
// go-locale turns into the unparseable language "C". The plain values "C"
// and "POSIX" need nothing: go-locale already maps them to "no locale".
func languageFor(getenv func(string) string) (string, bool) {
	if getenv("LANGUAGE") != "" {
		return "", false
	}
	locale := ""
	for _, name := range [...]string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(name); locale != "" {
			break
		}
	}
	for _, c := range [...]string{"C", "POSIX"} {
		if rest, ok := strings.CutPrefix(locale, c); ok && rest != "" && strings.ContainsAny(rest[:1], ".@_-") {
			return Fallback, true
		}
	}
	return "", false
}
