package outputs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/safefs"
)

// maxCopies bounds the numbered names tried ("invoice (2).parse.md" ...)
// before giving up: a folder with that many foreign files of one name is
// not one to fill further.
const maxCopies = 100

// errTaken is a free name someone else took between the look and the write.
var errTaken = errors.New("taken meanwhile")

// Writer writes jobs' results beside their documents. It is safe for
// concurrent use as long as owned is.
type Writer struct {
	owned func(path string) bool
	// Document reads the document the history keeps for a job (an edit's
	// filled PDF), for the kinds whose outputs include it; nil: none.
	Document func(jobID int64) ([]byte, error)
}

// NewWriter returns a writer that replaces an existing file only when
// owned(path) says the app wrote it (and nothing changed it since); any
// other file is left alone and the outputs take the next numbered name.
// A nil owned treats every existing file as foreign.
func NewWriter(owned func(path string) bool) *Writer {
	if owned == nil {
		owned = func(string) bool { return false }
	}
	return &Writer{owned: owned}
}

// Write writes the outputs of job (its Kind, beside job.File) from result,
// the result as the history keeps it, and returns the absolute paths
// written, in the order of Names. All files of one job share one name
// ("invoice (2).parse.md" and "invoice (2).parse.json"). Each file is
// written to a temporary file in the same folder, synced and renamed into
// place, so a reader never sees half a file. On an error the paths already
// written are returned with it.
func (w *Writer) Write(job jobs.Job, result []byte) ([]string, error) {
	doc, err := filepath.Abs(job.File)
	if err != nil {
		return nil, fmt.Errorf("results of %s: %w", job.File, err)
	}
	contents, err := render(job.Kind, result, func() ([]byte, error) {
		if w.Document == nil {
			return nil, errors.New("no document is kept for this job")
		}
		return w.Document(job.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("results of %s: %w", filepath.Base(doc), err)
	}
	dir := filepath.Dir(doc)
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("write results of %s: the folder: %w", filepath.Base(doc), err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("write results of %s: %s is not a folder", filepath.Base(doc), dir)
	}
	perm := outputPerm(doc)
	for attempt := 0; ; attempt++ {
		names, err := w.choose(doc, job.Kind)
		if err != nil {
			return nil, err
		}
		var written []string
		for i, name := range names {
			err := writeAtomic(name, contents[i], perm, exists(name))
			if errors.Is(err, errTaken) && attempt < 3 {
				// Someone created the name as we wrote: take back this
				// attempt's files (ours, just written) and pick another.
				for _, p := range written {
					os.Remove(p)
				}
				written = nil
				break
			}
			if err != nil {
				return written, fmt.Errorf("write results of %s: %w", filepath.Base(doc), err)
			}
			written = append(written, name)
		}
		if len(written) == len(names) {
			return written, nil
		}
	}
}

// choose returns the first numbered set of names for doc whose files are
// all free, or the app's own.
func (w *Writer) choose(doc string, kind jobs.Kind) ([]string, error) {
	for n := 1; n <= maxCopies; n++ {
		names := numbered(doc, kind, n)
		usable := true
		for _, name := range names {
			if !w.usable(name) {
				usable = false
				break
			}
		}
		if usable {
			return names, nil
		}
	}
	return nil, fmt.Errorf("write results of %s: %d names in use by other files", filepath.Base(doc), maxCopies)
}

// usable reports whether name is free, or a regular file the app wrote.
func (w *Writer) usable(name string) bool {
	fi, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil || !fi.Mode().IsRegular() {
		return false // a folder, a link or an unreadable entry is never replaced
	}
	return w.owned(name)
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// outputPerm gives outputs the document's permissions (so results are as
// shared or as private as their document), always writable by the owner;
// 0600 when the document cannot be read.
func outputPerm(doc string) fs.FileMode {
	fi, err := os.Stat(doc)
	if err != nil {
		return 0o600
	}
	return fi.Mode().Perm()&0o666 | 0o200
}

// writeAtomic writes data to name through a synced temporary file in the
// same folder (safefs). A name that did not exist is taken without
// replacing anything (a file created there meanwhile is errTaken); an
// existing one (the app's own) is replaced.
func writeAtomic(name string, data []byte, perm fs.FileMode, replace bool) error {
	if replace {
		return safefs.Replace(name, perm, data)
	}
	err := safefs.WriteNew(name, perm, data)
	if errors.Is(err, fs.ErrExist) {
		return errTaken
	}
	return err
}
