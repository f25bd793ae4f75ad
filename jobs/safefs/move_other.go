//go:build unix && !linux && !darwin

package safefs

// renameNoReplace is link and unlink where no no-replace rename is known.
func renameNoReplace(src, dst string) error { return linkMove(src, dst) }
