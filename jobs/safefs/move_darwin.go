//go:build darwin

package safefs

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/unix"
)

// renameNoReplace is renamex_np(RENAME_EXCL); file systems that do not
// support the flag get link and unlink.
func renameNoReplace(src, dst string) error {
	err := unix.RenamexNp(src, dst, unix.RENAME_EXCL)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return &fs.PathError{Op: "move", Path: dst, Err: fs.ErrExist}
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOTSUP):
		return linkMove(src, dst)
	}
	return &fs.PathError{Op: "move", Path: dst, Err: err}
}
