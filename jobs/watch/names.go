package watch

import (
	"path/filepath"
	"strings"

	"github.com/reductotray/reducto-tray/jobs/intake"
	"github.com/reductotray/reducto-tray/jobs/outputs"
)

// The folders, directly under a watched folder, where originals are moved
// after their job (MoveOriginals). Nothing under them is ever submitted.
const (
	ProcessedDir = "processed"
	FailedDir    = "failed"
)

// skipDir reports whether the folder rel (relative to the watched folder,
// "." for the folder itself) is never entered: processed/ and failed/ at
// the top, hidden folders anywhere.
func skipDir(rel string) bool {
	if rel == "." {
		return false
	}
	first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	if first == ProcessedDir || first == FailedDir {
		return true
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if intake.Ignored(part) {
			return true
		}
	}
	return false
}

// skipFile reports whether the file rel (relative to the watched folder) is
// never submitted: partial and temporary names, dot files and Office lock
// files (intake.Ignored), the app's own outputs, names that are not a
// document type, and anything in a skipped folder. It looks at names only;
// the content is checked later with intake.CheckFile.
func skipFile(rel string) bool {
	name := filepath.Base(rel)
	if intake.Ignored(name) || outputs.IsOutput(name) || !intake.IsDocumentName(name) {
		return true
	}
	return skipDir(filepath.Dir(rel))
}
