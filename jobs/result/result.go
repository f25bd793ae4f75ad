// Package result is the one reading of Reducto's stored results: a job's
// JSON as the history keeps it (the whole response, a URL-form result
// already resolved by jobs/reducto) becomes a typed Result. Outputs beside
// the documents (jobs/outputs), the exports (jobs/export), the result view
// and the page view (ui/) and the search indexer (jobs/search) all read
// results through Read, so a parse's Markdown, a table's cells or an
// extract's fields are the same wherever they show. No Fyne, HTTP or SQL.
//
// Each kind has its reader in a file of its own (parse.go, extract.go,
// split.go, edit.go, classify.go): the file's init calls register with the kind and a function
// that fills the Result's fields for that kind (Usage too, when the
// response has one). A new kind is one new file: add its field to Result
// and register its reader; Read needs no change.
package result

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
)

// Result is a stored result read as its kind: the field of that kind is
// set (Parse for a parse, Extract for an extract, Split for a split).
type Result struct {
	Kind  jobs.Kind
	Usage Usage
	// Parse is a parse's blocks in page order, tables as grids.
	Parse *Doc
	// Extract is an extract's fields, in the schema's order.
	Extract *Node
	// Split is a split's sections with their pages.
	Split []Section
	// Edit is an edit's filled document link and form (edit.go).
	Edit *Edit
	// Classify is a classify's category (classify.go).
	Classify *Classify

	raw []byte // for Markdown's fallback
}

// Usage is what a result says it cost.
type Usage struct {
	Pages   int      `json:"num_pages"`
	Credits *float64 `json:"credits"`
}

// readers holds each kind's reader; filled by the kinds' files' init.
var readers = map[jobs.Kind]func(raw []byte, r *Result) error{}

// register makes read the reader of kind's results. Called from init only
// (the map is not locked), once per kind.
func register(kind jobs.Kind, read func(raw []byte, r *Result) error) {
	if _, dup := readers[kind]; dup {
		panic("result: two readers for " + string(kind))
	}
	readers[kind] = read
}

// Read reads raw, a stored result of a job of kind. The error says why
// the result cannot be read as that kind (not JSON, an unknown kind).
func Read(kind jobs.Kind, raw []byte) (*Result, error) {
	read, ok := readers[kind]
	if !ok {
		return nil, fmt.Errorf("read result: no reader for a %q job", kind)
	}
	r := &Result{Kind: kind, raw: raw}
	if err := read(raw, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Markdown is the result as Markdown: a parse's pages (what Export
// Markdown, Copy all and the .parse.md beside a document hold); a kind
// without Markdown of its own is its JSON in a code block.
func (r *Result) Markdown() string {
	if r.Parse != nil {
		return r.Parse.Markdown()
	}
	return "```json\n" + string(Pretty(r.raw)) + "```\n"
}

// Pretty returns a result indented for reading and for the JSON files; a
// result that is not JSON comes back as it is.
func Pretty(raw []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(raw) + len(raw)/4)
	if err := json.Indent(&b, bytes.TrimSpace(raw), "", "  "); err != nil {
		return raw
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// Payload is the response's "result" field: what was extracted, or the
// splits, without the usage and links around them. A result without one
// (stored in another shape) is returned whole.
func Payload(raw []byte) []byte {
	var top struct {
		Result json.RawMessage `json:"result"`
	}
	if json.Unmarshal(raw, &top) == nil && len(top.Result) > 0 {
		return top.Result
	}
	return raw
}
