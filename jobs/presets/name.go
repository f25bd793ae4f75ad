package presets

import (
	"fmt"
	"strings"
	"unicode"
)

// maxNameLen keeps a preset's file name well inside every file system's
// limit (255 bytes) with ".json" and a temporary file's suffix.
const maxNameLen = 100

// windowsReserved are device names Windows refuses as file names, with
// any extension.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// CheckName reports whether name can be a preset's name, which is also its
// file name on every platform: letters, digits, spaces and - _ . ( ) + ,
// not starting with a dot or a space nor ending with a dot or a space, at
// most 100 characters.
func CheckName(name string) error {
	bad := func(why string) error { return fmt.Errorf("preset name %q: %s", name, why) }
	switch {
	case name == "":
		return fmt.Errorf("preset name is empty")
	case len([]rune(name)) > maxNameLen:
		return bad(fmt.Sprintf("longer than %d characters", maxNameLen))
	case strings.HasPrefix(name, ".") || strings.HasPrefix(name, " "):
		return bad("must not start with a dot or a space")
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, " "):
		return bad("must not end with a dot or a space")
	case windowsReserved[strings.ToUpper(strings.SplitN(name, ".", 2)[0])]:
		return bad("is a device name on Windows")
	}
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -_.()+,", r) {
			continue
		}
		return bad(fmt.Sprintf("%q is not allowed; use letters, digits, spaces and - _ . ( ) + ,", r))
	}
	return nil
}
