package presets

import (
	"errors"
	"fmt"
)

// ErrNotFound matches (errors.Is) the error for a preset that has no file.
var ErrNotFound = errors.New("no such preset")

// Error is a problem with one preset file. Its text names the file and,
// where there is one, the field:
//
//	presets/invoices.json: field "kind": "parsee" is not one of parse, extract, split
type Error struct {
	// File is the file as people see it: "presets/<name>.json".
	File string
	// Field is the field's path in the file ("kind", "request.input",
	// "channels[1]"); "" when the problem is the whole file.
	Field string
	// Msg says what is wrong and what is allowed.
	Msg string
	// Err is the underlying cause, if any (ErrNotFound, an I/O error).
	Err error
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s: field %q: %s", e.File, e.Field, e.Msg)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
