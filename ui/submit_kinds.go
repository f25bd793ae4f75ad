package ui

import (
	"fyne.io/fyne/v2"

	"github.com/reductotray/reducto-tray/jobs"
)

// kindForm is one kind's section of the submit form, registered from the
// kind's own file (submit_parse.go, submit_extract.go, ...), so the form
// lists, shows and reads kinds without naming them.
type kindForm interface {
	// object is the section, shown while its kind is chosen.
	object() fyne.CanvasObject
	// fill shows o's form options of the kind (after presets.ToForm).
	fill(o jobs.Options)
	// read puts the section's options into o, whose common fields are
	// read already, or says in words what is missing or wrong.
	read(o *jobs.Options) error
}

// kindForms make each kind's section; changed is called on every edit.
var kindForms = map[jobs.Kind]func(changed func()) kindForm{}

// registerKindForm adds kind's section; called from its file's init.
func registerKindForm(kind jobs.Kind, make func(changed func()) kindForm) {
	if _, dup := kindForms[kind]; dup {
		panic("ui: form of kind " + string(kind) + " registered twice")
	}
	kindForms[kind] = make
}

// newKindForms makes every registered kind's section, and their objects
// in the kinds' order for the form's layout.
func newKindForms(changed func()) (map[jobs.Kind]kindForm, []fyne.CanvasObject) {
	forms := map[jobs.Kind]kindForm{}
	var objs []fyne.CanvasObject
	for _, k := range jobs.Kinds() {
		if mk, ok := kindForms[k.Kind]; ok {
			forms[k.Kind] = mk(changed)
			objs = append(objs, forms[k.Kind].object())
		}
	}
	return forms, objs
}

// withKind returns the options in and the kind's section s (nil: none)
// describe, or the first problem in words.
func (in formInput) withKind(s kindForm) (jobs.Options, error) {
	o, err := in.toOptions()
	if err != nil || s == nil {
		return o, err
	}
	return o, s.read(&o)
}
