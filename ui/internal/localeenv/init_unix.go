//go:build !windows && !darwin && !js && !android && !ios

package localeenv

import "os"

// init runs before Fyne's lang package (see the package comment). These
// build constraints are go-locale's: only there is the locale read from the
// environment.
func init() {
	if lang, ok := languageFor(os.Getenv); ok {
		// An error (an invalid name or value) cannot happen here, and
		// there is nothing to report it to this early.
		_ = os.Setenv("LANGUAGE", lang)
	}
}
