package jobs

import (
	"errors"
	"time"
)

// ErrNotFound is returned when no row matches.
var ErrNotFound = errors.New("not found")

// Query selects jobs for listing and search.
type Query struct {
	Statuses []Status // any of these; empty = all
	Kind     Kind     // empty = all
	Search   string   // case-insensitive substring of the file's base name
	Since    time.Time
	Until    time.Time
	BeforeID int64 // keyset paging: only ids below this; 0 = from the newest
	Limit    int   // 0 = 100
}
