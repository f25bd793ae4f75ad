package ui

// Every binary with a Fyne UI links this package, so this import puts
// LANGUAGE=en in place under a C.UTF-8 locale before Fyne's lang package
// reads the locale in its init: without it, every command of such a binary,
// --help and `jobs --json` included, starts with three "Fyne error: Error
// parsing user locale C" lines. Why this import is early enough: see the
// localeenv package comment.
import _ "github.com/reductotray/reducto-tray/ui/internal/localeenv"
