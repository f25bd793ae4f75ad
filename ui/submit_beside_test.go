package ui

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

// The Results box names the files the chosen kind writes, not a parse's
// for every kind.
func TestBesideLabelNamesTheKindsFiles(t *testing.T) {
	for kind, want := range map[jobs.Kind]string{
		jobs.KindParse:    "Write results beside each document (invoice.parse.md, invoice.parse.json)",
		jobs.KindClassify: "Write results beside each document (invoice.classify.json)",
		jobs.KindEdit:     "Write results beside each document (invoice.edit.pdf)",
	} {
		spec, _ := kind.Spec()
		if got := besideLabel(spec); got != want {
			t.Errorf("%s: %q, want %q", kind, got, want)
		}
	}
}
