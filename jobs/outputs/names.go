// Package outputs writes a job's results beside its document, as the
// contract's "Results beside the documents" says: for invoice.pdf a parse
// writes invoice.parse.md and invoice.parse.json, an extract
// invoice.extract.json and a split invoice.split.json. Files are written
// atomically and never over a file the app did not write (the caller says
// which files those are); a name taken by someone else's file becomes
// "invoice (2).parse.md", "invoice (3).parse.md", ...
package outputs

import (
	"path/filepath"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/safefs"
)

// suffixes lists the files a job of kind writes, in the order they are
// written and returned: the kind's KindSpec.Outputs.
func suffixes(kind jobs.Kind) []string {
	spec, _ := kind.Spec()
	return spec.Outputs
}

// Names returns the contract's output file paths for doc and a job of
// kind (beside doc, in doc's folder): for /d/invoice.pdf and a parse,
// /d/invoice.parse.md and /d/invoice.parse.json. An unknown kind has none.
func Names(doc string, kind jobs.Kind) []string {
	return numbered(doc, kind, 1)
}

// numbered is Names with the stem numbered n the way a file manager
// numbers copies: n == 1 is the plain name, n == 2 "invoice (2).parse.md".
func numbered(doc string, kind jobs.Kind, n int) []string {
	sfx := suffixes(kind)
	if len(sfx) == 0 {
		return nil
	}
	dir, base := filepath.Split(doc)
	stem, _ := safefs.SplitExt(base)
	stem = safefs.Numbered(stem, n)
	out := make([]string, len(sfx))
	for i, s := range sfx {
		out[i] = filepath.Join(dir, stem+s)
	}
	return out
}

// IsOutput reports whether name (a base name or a path) is named like a
// result file the app writes ("invoice.parse.md", "invoice (2).split.json"),
// so that a watched folder never submits the app's own outputs.
func IsOutput(name string) bool {
	base := strings.ToLower(filepath.Base(name))
	for _, k := range jobs.Kinds() {
		for _, s := range k.Outputs {
			if strings.HasSuffix(base, s) && len(base) > len(s) {
				return true
			}
		}
	}
	return false
}
