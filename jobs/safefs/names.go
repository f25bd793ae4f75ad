package safefs

import (
	"fmt"
	"path/filepath"
	"strings"
)

// MaxCopies bounds the numbered names tried ("invoice (2).pdf" ...) before
// giving up: a folder with that many files of one name is not one to fill
// further.
const MaxCopies = 1000

// Numbered is stem numbered n the way a file manager numbers copies: n <= 1
// is stem itself, n == 2 "stem (2)".
func Numbered(stem string, n int) string {
	if n <= 1 {
		return stem
	}
	return fmt.Sprintf("%s (%d)", stem, n)
}

// SplitExt splits a file name into its stem and its extension ("a.pdf" ->
// "a", ".pdf"), as Numbered wants them.
func SplitExt(name string) (stem, ext string) {
	ext = filepath.Ext(name)
	return strings.TrimSuffix(name, ext), ext
}
