package settings

import "github.com/reductotray/reducto-tray/jobs/safefs"

// WriteFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path, with mode 0600: a crash or a full disk never leaves
// a half-written file behind, and a link at path is replaced, never
// written through (safefs.Replace).
func WriteFileAtomic(path string, data []byte) error {
	return safefs.Replace(path, 0o600, data)
}

// CreateFileExclusive writes data to path with mode 0600 only if path does
// not exist yet, and no reader ever sees a half-written file: the complete
// file is moved into place without replacing anything (safefs.WriteNew).
// When two processes race, one wins and the other gets an error matching
// fs.ErrExist (and should read the winner's file).
func CreateFileExclusive(path string, data []byte) error {
	return safefs.WriteNew(path, 0o600, data)
}
