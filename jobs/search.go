package jobs

import (
	"strings"
	"time"
)

// Marks around the matched words in a SearchHit's Snippet. Control
// characters, so no document text can fake one; the UI shows what lies
// between them in bold, the CLI drops them (PlainSnippet).
const (
	MarkStart = "\x02"
	MarkEnd   = "\x03"
)

// SearchQuery is a full-text search of the history: the words (Reducto's
// results and file names) and the list's filters, which combine with them.
// Text takes "a phrase", prefix*, and -word to leave out.
type SearchQuery struct {
	Text     string
	Kind     Kind     // empty = all
	Statuses []Status // any of these; empty = all
	Since    time.Time
	Until    time.Time
	Limit    int // 0 = 50
}

// SearchHit is one place a search found: a page of a parse, an extract's
// field, a split's section, or a file's name.
type SearchHit struct {
	Job Job
	// Page is the 1-based page of the hit; 0 when it has none (a name, a
	// field without citations).
	Page int
	// Block is the index of the parse block holding the hit, in the order
	// the result view lists blocks (result.Doc.Blocks), or -1.
	Block int
	// Field is an extract field's path ("invoice.total"); "" otherwise.
	Field string
	// Snippet is the text around the hit with the matched words between
	// MarkStart and MarkEnd.
	Snippet string
	// Score ranks hits: higher is better.
	Score float64
	// Name is true for a hit on the file's name rather than its content.
	Name bool
}

// PlainSnippet is a snippet without its marks.
func PlainSnippet(s string) string {
	return strings.NewReplacer(MarkStart, "", MarkEnd, "").Replace(s)
}

// IndexProgress is how far the search index has read the stored results:
// Done of Total; Running while a pass (the backfill of an older history, or
// results just stored) is under way.
type IndexProgress struct {
	Done, Total int
	Running     bool
}
