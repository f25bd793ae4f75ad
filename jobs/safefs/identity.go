package safefs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNotRegular is the error of Open for anything but a regular file: a
// symbolic link, a folder, a device.
var ErrNotRegular = errors.New("not a regular file")

// Identity tells one version of one file from every other: the same
// Identity later means the same file, unchanged. Dev and Ino are zero
// where they are not known (a ledger row written before they were kept);
// Same then compares size and mtime alone.
type Identity struct {
	Dev, Ino uint64
	Size     int64
	MtimeNS  int64
}

// Same reports whether a and b are the same file in the same version.
func (a Identity) Same(b Identity) bool {
	if a.Size != b.Size || a.MtimeNS != b.MtimeNS {
		return false
	}
	if (a.Dev == 0 && a.Ino == 0) || (b.Dev == 0 && b.Ino == 0) {
		return true
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}

// SameFile reports whether a and b are the same file (device and inode),
// whatever its content; false when either is unknown.
func (a Identity) SameFile(b Identity) bool {
	if (a.Dev == 0 && a.Ino == 0) || (b.Dev == 0 && b.Ino == 0) {
		return false
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}

// Open opens the regular file at path for reading without following a
// symbolic link in its last element, and returns it with its Identity
// (read from the open file, so it describes what is read). A link, a
// folder or a device is ErrNotRegular.
func Open(path string) (*os.File, Identity, error) {
	f, err := openNoFollow(path)
	if err != nil {
		if isLoop(err) {
			return nil, Identity{}, fmt.Errorf("open %s: %w", path, ErrNotRegular)
		}
		return nil, Identity{}, err
	}
	id, err := IdentityOf(f)
	if err != nil {
		f.Close()
		return nil, Identity{}, err
	}
	return f, id, nil
}

// Stat returns the Identity of the regular file at path, opened as Open
// does (a link is ErrNotRegular, never its target).
func Stat(path string) (Identity, error) {
	f, id, err := Open(path)
	if err != nil {
		return Identity{}, err
	}
	f.Close()
	return id, nil
}

// IdentityOf returns the Identity of an open file; ErrNotRegular unless
// it is a regular file.
func IdentityOf(f *os.File) (Identity, error) {
	info, err := f.Stat()
	if err != nil {
		return Identity{}, fmt.Errorf("stat %s: %w", f.Name(), err)
	}
	if !info.Mode().IsRegular() {
		return Identity{}, fmt.Errorf("%s: %w", f.Name(), ErrNotRegular)
	}
	id := Identity{Size: info.Size(), MtimeNS: info.ModTime().UnixNano()}
	id.Dev, id.Ino, err = fileID(f, info)
	if err != nil {
		return Identity{}, fmt.Errorf("stat %s: %w", f.Name(), err)
	}
	return id, nil
}

// FromInfo is the Identity an Lstat (or a directory walk) reported, for
// the cheap look of a scan; the device and inode are zero where the
// system does not give them without opening the file (Windows).
func FromInfo(info fs.FileInfo) Identity {
	id := Identity{Size: info.Size(), MtimeNS: info.ModTime().UnixNano()}
	id.Dev, id.Ino = infoID(info)
	return id
}
