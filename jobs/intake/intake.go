package intake

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxFolderFiles caps how many documents one folder contributes, so handing
// the app a home folder by mistake does not queue a hundred thousand jobs.
const MaxFolderFiles = 5000

// ErrNotDocument marks a file Reducto cannot read: an unsupported type, or
// content that does not match its extension. Test with errors.Is.
var ErrNotDocument = errors.New("not a document Reducto reads")

// Skip is an item that was not taken, and why.
type Skip struct {
	Path   string
	Reason string
}

func (s Skip) String() string { return filepath.Base(s.Path) + ": " + s.Reason }

// CheckFile returns the absolute path and size of a document that can be
// uploaded, or an error saying why not (missing, a folder, empty, or not a
// type Reducto reads, by extension and by content). The error names the
// file and, for a refused type, what is accepted.
func CheckFile(path string) (string, int64, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", 0, fmt.Errorf("%s: no such file", abs)
		}
		return "", 0, fmt.Errorf("%s: %w", abs, err)
	}
	switch {
	case info.IsDir():
		return "", 0, fmt.Errorf("%s is a folder, not a document", abs)
	case !info.Mode().IsRegular():
		return "", 0, fmt.Errorf("%s is not a regular file", abs)
	case info.Size() == 0:
		return "", 0, fmt.Errorf("%s is empty", abs)
	}
	f := formatOf(abs)
	if f == nil {
		return "", 0, fmt.Errorf("%s: %w (accepted: %s)", abs, ErrNotDocument, Accepted())
	}
	head, err := readHead(abs)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", abs, err)
	}
	if !f.looks(head) {
		return "", 0, fmt.Errorf("%s: %w: its content is not %s despite its name", abs, ErrNotDocument, article(f.name))
	}
	return abs, info.Size(), nil
}

func article(name string) string {
	if strings.ContainsRune("AEIOU", rune(name[0])) {
		return "an " + name + " file"
	}
	return "a " + name + " file"
}

func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, headSize)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:n], nil
}

// Collect turns paths (files and folders, as dropped or given on the
// command line) into the absolute paths of documents to submit, each once.
// A folder is walked recursively for documents, skipping hidden entries
// and partial downloads, up to MaxFolderFiles. What is not taken is
// returned in skipped with the reason.
func Collect(paths []string) (files []string, skipped []Skip) {
	seen := map[string]bool{}
	take := func(p string) {
		abs, _, err := CheckFile(p)
		if err != nil {
			skipped = append(skipped, Skip{Path: p, Reason: reason(err, p)})
			return
		}
		if !seen[abs] {
			seen[abs] = true
			files = append(files, abs)
		}
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			skipped = append(skipped, Skip{Path: p, Reason: err.Error()})
			continue
		}
		info, err := os.Stat(abs)
		if err != nil || !info.IsDir() {
			take(abs)
			continue
		}
		n := 0
		_ = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // an unreadable subfolder: skip it, keep the rest
			}
			if path != abs && Ignored(d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !IsDocumentName(path) {
				return nil
			}
			if n >= MaxFolderFiles {
				skipped = append(skipped, Skip{Path: abs, Reason: fmt.Sprintf("more than %d documents; the rest were left out", MaxFolderFiles)})
				return filepath.SkipAll
			}
			n++
			take(path)
			return nil
		})
	}
	return files, skipped
}

// reason is err's text without the path, which Skip.String already shows.
func reason(err error, path string) string {
	msg := err.Error()
	for _, p := range []string{path, filepath.Base(path)} {
		msg = strings.TrimPrefix(msg, p+": ")
		msg = strings.TrimPrefix(msg, p+" ")
	}
	return msg
}

// partialSuffixes mark files still being written by a browser or a copy.
var partialSuffixes = []string{".part", ".crdownload", ".filepart", ".tmp", ".download", ".partial"}

// Ignored reports whether a name is never taken from a folder: hidden
// entries, Office lock files (~$...) and partial downloads.
func Ignored(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
		return true
	}
	lower := strings.ToLower(name)
	for _, s := range partialSuffixes {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return false
}

// skippedNamed is how many skipped items SkippedNote names one by one.
const skippedNamed = 5

// SkippedNote says in one line which items were skipped and why, each by
// name (past skippedNamed, how many more), for a status bar or a
// terminal; "" when nothing was skipped.
func SkippedNote(skipped []Skip) string {
	if len(skipped) == 0 {
		return ""
	}
	parts := make([]string, 0, min(len(skipped), skippedNamed+1))
	for i, s := range skipped {
		if i == skippedNamed {
			parts = append(parts, fmt.Sprintf("and %d more", len(skipped)-skippedNamed))
			break
		}
		parts = append(parts, s.String())
	}
	return "Skipped " + strings.Join(parts, "; ")
}
