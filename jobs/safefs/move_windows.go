//go:build windows

package safefs

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/windows"
)

// renameNoReplace is MoveFileEx without MOVEFILE_REPLACE_EXISTING, which
// fails when dst exists.
func renameNoReplace(src, dst string) error {
	from, err := windows.UTF16PtrFromString(src)
	if err != nil {
		return &fs.PathError{Op: "move", Path: src, Err: err}
	}
	to, err := windows.UTF16PtrFromString(dst)
	if err != nil {
		return &fs.PathError{Op: "move", Path: dst, Err: err}
	}
	err = windows.MoveFileEx(from, to, windows.MOVEFILE_WRITE_THROUGH)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_ALREADY_EXISTS), errors.Is(err, windows.ERROR_FILE_EXISTS):
		return &fs.PathError{Op: "move", Path: dst, Err: fs.ErrExist}
	}
	return &fs.PathError{Op: "move", Path: dst, Err: err}
}
