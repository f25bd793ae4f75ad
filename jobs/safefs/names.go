package safefs

import (
	"errors"
	"fmt"
	"io/fs"
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

// firstFree calls take with dir/stem+ext, then "stem (2)"+ext and so on,
// until take does not fail with fs.ErrExist, and returns the name taken:
// each name is taken by take itself (O_EXCL, link, a no-replace move),
// never after a look.
func firstFree(dir, stem, ext string, take func(path string) error) (string, error) {
	for n := 1; n <= MaxCopies; n++ {
		p := filepath.Join(dir, Numbered(stem, n)+ext)
		err := take(p)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return p, nil
	}
	return "", fmt.Errorf("no free name for %s%s in %s: %d in use", stem, ext, dir, MaxCopies)
}
