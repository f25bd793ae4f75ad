package safefs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// temp writes a new temporary file in dir (named after base, starting with
// a dot and ending in .tmp) with write, sets perm, syncs and closes it, and
// returns its path. On an error nothing is left behind.
func temp(dir, base string, perm fs.FileMode, write func(io.Writer) error) (_ string, err error) {
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("create a file in %s: %w", dir, err)
	}
	name := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(name)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return "", fmt.Errorf("set the permissions of %s: %w", name, err)
	}
	if err = write(f); err != nil {
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	if err = f.Sync(); err != nil {
		return "", fmt.Errorf("sync %s: %w", name, err)
	}
	if err = f.Close(); err != nil {
		return "", fmt.Errorf("close %s: %w", name, err)
	}
	return name, nil
}

func bytesWriter(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(data))
		return err
	}
}

// place puts the complete temporary file tmp at name without replacing
// anything there: fs.ErrExist when name is taken. tmp is gone afterwards
// unless the error is fs.ErrExist (the caller may try another name).
func place(tmp, name string) error {
	err := renameNoReplace(tmp, name)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	os.Remove(tmp)
	return fmt.Errorf("put %s in place: %w", filepath.Base(name), err)
}

// WriteNew writes data to path, which must not exist: the complete file
// appears at once (temporary file, sync, then a move that never replaces),
// and the folder is synced. A file at path, even one created while this
// ran, is left alone and the error matches fs.ErrExist.
func WriteNew(path string, perm fs.FileMode, data []byte) error {
	return WriteNewFunc(path, perm, bytesWriter(data))
}

// WriteNewFunc is WriteNew with the content written by write.
func WriteNewFunc(path string, perm fs.FileMode, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := temp(dir, filepath.Base(path), perm, write)
	if err != nil {
		return err
	}
	if err := place(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	SyncDir(dir)
	return nil
}

// WriteFree writes the content write produces to the first free name of
// dir/stem+ext, "stem (2)"+ext, ... (up to MaxCopies) and returns the path
// written. Every name is taken without a look first, so two writers at
// once (or a file that appears meanwhile) each get their own name and
// nothing is replaced. The content is written once, before any name is
// taken, so no name ever holds half a file.
func WriteFree(dir, stem, ext string, perm fs.FileMode, write func(io.Writer) error) (string, error) {
	tmp, err := temp(dir, stem+ext, perm, write)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp) // a no-op once it is in place
	p, err := firstFree(dir, stem, ext, func(p string) error { return place(tmp, p) })
	if err != nil {
		return "", err
	}
	SyncDir(dir)
	return p, nil
}

// Replace writes data to path atomically, replacing the file there: for
// the app's own files only (its settings and secrets in the data folder,
// a result file the history says the app wrote). A link at path is
// replaced, never written through.
func Replace(path string, perm fs.FileMode, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := temp(dir, filepath.Base(path), perm, bytesWriter(data))
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("put %s in place: %w", filepath.Base(path), err)
	}
	SyncDir(dir)
	return nil
}
