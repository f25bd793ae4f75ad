package safefs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrChanged is the error of MoveIf when the file at the source is no
// longer the version it was asked to move.
var ErrChanged = errors.New("the file changed")

// Move renames src to dst without ever replacing a file at dst (the error
// then matches fs.ErrExist) and syncs both folders.
func Move(src, dst string) error {
	if err := renameNoReplace(src, dst); err != nil {
		return err
	}
	SyncDir(filepath.Dir(dst))
	if filepath.Dir(src) != filepath.Dir(dst) {
		SyncDir(filepath.Dir(src))
	}
	return nil
}

// MoveFree moves src to the first free name of dst, "dst (2)", ... (the
// number before the extension) and returns the name it took.
func MoveFree(src, dst string) (string, error) {
	stem, ext := SplitExt(filepath.Base(dst))
	p, err := firstFree(filepath.Dir(dst), stem, ext, func(p string) error { return Move(src, p) })
	if err != nil {
		return "", fmt.Errorf("move %s: %w", filepath.Base(src), err)
	}
	return p, nil
}

// MoveIf moves the file at src to the first free name of dst as MoveFree
// does, but only if it is still the version want (Identity.Same): a newer
// file saved at src, or a link put there, stays where it is and the error
// is ErrChanged. The check runs again on the moved file, and a file that
// was swapped in between the check and the move is put back.
func MoveIf(src string, want Identity, dst string) (string, error) {
	if id, err := Stat(src); err != nil {
		if errors.Is(err, ErrNotRegular) {
			return "", fmt.Errorf("move %s: %w", filepath.Base(src), ErrChanged)
		}
		return "", err
	} else if !id.Same(want) {
		return "", fmt.Errorf("move %s: %w", filepath.Base(src), ErrChanged)
	}
	to, err := MoveFree(src, dst)
	if err != nil {
		return "", err
	}
	if id, err := lstatIdentity(to); err == nil && id.Same(want) {
		return to, nil
	}
	// Swapped in after the check: not ours to move. Back where it was, or
	// beside it when a newer file took that name meanwhile.
	if _, err := MoveFree(to, src); err != nil {
		return "", fmt.Errorf("move %s: it changed while it was moved, and putting it back failed: %w", filepath.Base(src), err)
	}
	return "", fmt.Errorf("move %s: %w", filepath.Base(src), ErrChanged)
}

// lstatIdentity is Stat for a path that may be a link (a link is never
// the version wanted, so it reads as a different identity).
func lstatIdentity(path string) (Identity, error) {
	id, err := Stat(path)
	if errors.Is(err, ErrNotRegular) {
		return Identity{Size: -1}, nil
	}
	return id, err
}

// SyncDir makes the names just created or removed in dir durable where the
// system allows syncing a folder (not on Windows, where NTFS journals
// them itself). It is best effort: the files' own contents are already
// synced.
func SyncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}

// linkMove moves src to dst with link and unlink, which fails rather than
// replace dst: for file systems and systems without a no-replace rename.
func linkMove(src, dst string) error {
	if err := os.Link(src, dst); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &fs.PathError{Op: "move", Path: dst, Err: fs.ErrExist}
		}
		return err
	}
	if err := os.Remove(src); err != nil {
		os.Remove(dst)
		return err
	}
	return nil
}
