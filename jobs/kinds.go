package jobs

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// KindSpec describes one kind of Reducto work for the layers that are not
// specific to it: the history, presets, outputs, the CLI and the UI read a
// kind's rules here instead of switching on its name. Each kind registers
// its spec from its own file (kind_parse.go, kind_extract.go, ...); the
// client's request, the engine's sender, the result reader, the outputs and
// the view of a kind live in one file per layer beside it (see
// docs/architecture.md, "Where to add a kind").
type KindSpec struct {
	Kind  Kind
	Order int    // place in lists and menus: parse first
	Label string // "Extract", for menus and headings
	// AppFields are the top-level request fields the app sets itself for
	// this kind (the document and how Reducto reports back); a preset's
	// raw request may not set them.
	AppFields []string
	// OnParse says the kind can run on a completed parse's result
	// (input "jobid://<job_id>"), as a chain or a route does.
	OnParse bool
	// NoWebhook says Reducto answers this kind at once (classify): there
	// is nothing to notify about, so the engine submits it with no webhook
	// whatever the preset or the defaults choose, rather than refusing a
	// direct mode without a public URL it would never use.
	NoWebhook bool
	// Outputs are the suffixes of the files a job of this kind writes
	// beside its document, after the document's stem, in the order they are
	// written: ".parse.md", ".parse.json".
	Outputs []string
	// Check reports what a submission of this kind cannot run without, as
	// a *FieldError naming the preset field, whether the form's options or
	// the raw request carry it. Nil means the kind needs nothing more.
	Check func(o Options) error
}

var (
	kindsMu sync.RWMutex
	kinds   = map[Kind]KindSpec{}
)

// RegisterKind adds a kind; each kind's file calls it from init. A second
// registration of the same kind panics: two descriptions of one kind is
// the drift this registry exists to prevent.
func RegisterKind(s KindSpec) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[s.Kind]; dup {
		panic(fmt.Sprintf("jobs: kind %q registered twice", s.Kind))
	}
	kinds[s.Kind] = s
}

// Spec returns k's description, and false for a kind nobody registered.
func (k Kind) Spec() (KindSpec, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	s, ok := kinds[k]
	return s, ok
}

// Valid reports whether k is a registered kind.
func (k Kind) Valid() bool {
	_, ok := k.Spec()
	return ok
}

// Kinds returns every registered kind's description, in their Order.
func Kinds() []KindSpec {
	kindsMu.RLock()
	out := make([]KindSpec, 0, len(kinds))
	for _, s := range kinds {
		out = append(out, s)
	}
	kindsMu.RUnlock()
	slices.SortFunc(out, func(a, b KindSpec) int { return a.Order - b.Order })
	return out
}

// KindNames lists the registered kinds for messages: "parse, extract or
// split" (sep "or") or "parse, extract, split" (sep ",").
func KindNames(sep string) string {
	return kindNames(sep, func(KindSpec) bool { return true })
}

// OnParseNames lists the kinds that run on a parse (KindSpec.OnParse) as
// KindNames does: "extract or split".
func OnParseNames(sep string) string {
	return kindNames(sep, func(s KindSpec) bool { return s.OnParse })
}

func kindNames(sep string, keep func(KindSpec) bool) string {
	var names []string
	for _, s := range Kinds() {
		if keep(s) {
			names = append(names, string(s.Kind))
		}
	}
	if sep == "," || len(names) < 2 {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + sep + " " + names[len(names)-1]
}

// FieldError is a problem with one field of a submission's options, named
// the way a preset file spells it ("request.instructions.schema"), so a
// preset's error can say which file and field, and the engine's and the
// form's errors say the same thing.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// fieldErr is a FieldError built with a format.
func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}
