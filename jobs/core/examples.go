package core

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/presets"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/safefs"
)

// The example presets a first --sandbox run adds, so the kinds that need
// a preset to be tried (classify with its routes, edit) are there to try.
const (
	ExampleSortPreset    = "Sort mail (example)"
	ExampleInvoicePreset = "Invoice fields (example)"
	ExampleFillPreset    = "Fill form (example)"
)

// examplePresets are written in this order: a route's target before the
// classify that names it (Save checks that it exists).
var examplePresets = []presets.Preset{
	{Name: ExampleInvoicePreset, Kind: jobs.KindExtract, Request: []byte(`{"instructions": {"schema": {"type": "object", "properties": {
  "invoice_number": {"type": "string", "description": "The invoice's number"},
  "total": {"type": "number", "description": "The amount due"},
  "due_date": {"type": "string", "description": "When it is due"}}}}}`)},
	{Name: ExampleFillPreset, Kind: jobs.KindEdit, Request: []byte(`{"edit_instructions": "Name: Ada Lovelace\nDate: 2026-12-07\nCity: London"}`)},
	{Name: ExampleSortPreset, Kind: jobs.KindClassify, Request: []byte(`{"classification_schema": [
  {"category": "invoice", "criteria": ["invoice"]},
  {"category": "contract", "criteria": ["agreement"]},
  {"category": "letter", "criteria": []}]}`),
		Routes: map[string]string{"invoice": ExampleInvoicePreset}},
}

// exampleFile is one sample document of the examples folder.
type exampleFile struct {
	name string
	make func() ([]byte, error)
}

var exampleFiles = []exampleFile{
	{"blank form.pdf", func() ([]byte, error) {
		return reductotest.FormPDF("Library card application", "Name", "Date", "City")
	}},
	{"invoice-0042.pdf", textPDF("Invoice 0042", "Northwind Traders", "Invoice number: 0042",
		"Consulting, November: 1,250.00", "Total due: 1,250.00", "Due date: 2027-01-06")},
	{"service agreement.pdf", textPDF("Service agreement", "This agreement is made between",
		"Northwind Traders and Ada Lovelace.", "Term: twelve months from signing.")},
	{"letter.pdf", textPDF("Dear Ada,", "Thank you for your visit last week.",
		"We look forward to seeing you again.", "Kind regards, Charles")},
}

// textPDF makes a one-page PDF of lines, a heading first, whose text the
// sandbox reads (so it classifies the document by its words).
func textPDF(lines ...string) func() ([]byte, error) {
	return func() ([]byte, error) {
		var p pages.SamplePage
		for i, l := range lines {
			size := 12.0
			if i == 0 {
				size = 20
			}
			p.Texts = append(p.Texts, pages.SampleText{X: 72, Y: 90 + float64(i)*28, Size: size, Text: l})
		}
		return pages.SamplePDF([]pages.SamplePage{p}), nil
	}
}

// installExamples adds the example presets and the examples folder on a
// --sandbox run whose presets folder does not exist yet: a first try of
// the app. A data folder that has a presets folder (even an empty one the
// user emptied) is never written into, nor an examples folder that exists.
// It returns the presets written, for the log.
func installExamples(home string) ([]string, error) {
	dir := datadir.PresetsDir(home)
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		return nil, nil // there, or not readable: not ours to touch
	}
	ex := datadir.ExamplesDir(home)
	if _, err := os.Lstat(ex); errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(ex, 0o700); err != nil {
			return nil, fmt.Errorf("examples folder: %w", err)
		}
		for _, f := range exampleFiles {
			data, err := f.make()
			if err != nil {
				return nil, fmt.Errorf("example %s: %w", f.name, err)
			}
			if err := safefs.WriteNew(filepath.Join(ex, f.name), 0o600, data); err != nil {
				return nil, fmt.Errorf("example %s: %w", f.name, err)
			}
		}
	}
	st := presets.Open(dir)
	var names []string
	for _, p := range examplePresets {
		if err := st.Save(p); err != nil {
			return names, fmt.Errorf("example preset: %w", err)
		}
		names = append(names, p.Name)
	}
	return names, nil
}

// ExamplesDir is the folder of sample documents to try the sandbox with,
// or "" when this run is not in the sandbox or the folder is not there.
func (a *App) ExamplesDir() string {
	if !a.InSandbox() {
		return ""
	}
	dir := datadir.ExamplesDir(a.home)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
}
