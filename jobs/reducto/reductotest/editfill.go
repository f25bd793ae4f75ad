package reductotest

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/form"
)

// simWidget is one entry of an edit result's form_schema (EditWidget, the
// fields the simulator knows: pdfcpu does not report a field's box).
type simWidget struct {
	Type        string `json:"type"`
	Description string `json:"description"`
	Value       string `json:"value,omitempty"`
}

// fillForm fills doc's AcroForm from instructions, as far as plain
// matching can: each line (or ";"-separated part) "Field: value" or
// "Field = value" whose field names a form field (its name, alternate
// name or id; case, spaces and underscores ignored) sets that field — a
// text or date field's text, a check box's state (yes/true/x/checked), a
// choice's option. It returns the filled document and the form's widgets
// after filling.
//
// What it does not do, honestly: understand prose. Instructions that name
// no field, and a document without a form (or not a PDF, or one the
// simulator no longer keeps), give the document back unchanged (nil when
// there is none: the job then completes and its link answers 403, as an
// expired one would); no text is stamped on pages, since Reducto's own
// edit of a formless document is not documented.
func fillForm(doc []byte, instructions string) ([]byte, []simWidget) {
	if len(doc) == 0 {
		return nil, nil
	}
	fg, err := api.ExportForm(bytes.NewReader(doc), "document.pdf", nil)
	if err != nil || len(fg.Forms) == 0 {
		return doc, nil // no form: unchanged
	}
	f := &fg.Forms[0]
	pairs := instructionPairs(instructions)
	changed := false
	set := func(id, name, alt string, apply func(v string) bool) {
		for _, k := range []string{name, alt, id} {
			if v, ok := pairs[fieldKey(k)]; ok && k != "" {
				changed = apply(v) || changed
				return
			}
		}
	}
	for _, tf := range f.TextFields {
		if !tf.Locked {
			set(tf.ID, tf.Name, tf.AltName, func(v string) bool { tf.Value = v; return true })
		}
	}
	for _, df := range f.DateFields {
		if !df.Locked {
			set(df.ID, df.Name, df.AltName, func(v string) bool { df.Value = v; return true })
		}
	}
	for _, cb := range f.CheckBoxes {
		if !cb.Locked {
			set(cb.ID, cb.Name, cb.AltName, func(v string) bool { cb.Value = truthy(v); return true })
		}
	}
	for _, rb := range f.RadioButtonGroups {
		if !rb.Locked {
			set(rb.ID, rb.Name, rb.AltName, func(v string) bool { return choose(rb.Options, v, &rb.Value) })
		}
	}
	for _, cb := range f.ComboBoxes {
		if !cb.Locked {
			set(cb.ID, cb.Name, cb.AltName, func(v string) bool {
				if cb.Editable {
					cb.Value = v
					return true
				}
				return choose(cb.Options, v, &cb.Value)
			})
		}
	}
	out := doc
	if changed {
		js, err := json.Marshal(fg)
		var buf bytes.Buffer
		if err == nil && api.FillForm(bytes.NewReader(doc), bytes.NewReader(js), &buf, nil) == nil {
			out = buf.Bytes()
		}
	}
	return out, widgetsOf(f)
}

// instructionPairs reads "Field: value" and "Field = value" parts.
func instructionPairs(instructions string) map[string]string {
	pairs := map[string]string{}
	for _, line := range strings.FieldsFunc(instructions, func(r rune) bool { return r == '\n' || r == ';' }) {
		i := strings.IndexAny(line, ":=")
		if i <= 0 {
			continue
		}
		k, v := fieldKey(line[:i]), strings.TrimSpace(line[i+1:])
		if k != "" && v != "" {
			pairs[k] = v
		}
	}
	return pairs
}

// fieldKey is a field name as matched: lower case, letters and digits only.
func fieldKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "y", "true", "x", "checked", "on", "1":
		return true
	}
	return false
}

// choose sets *value to the option v names (case ignored), if any.
func choose(options []string, v string, value *string) bool {
	for _, o := range options {
		if strings.EqualFold(o, strings.TrimSpace(v)) {
			*value = o
			return true
		}
	}
	return false
}

// widgetsOf lists the form's fields as form_schema widgets.
func widgetsOf(f *form.Form) []simWidget {
	var ws []simWidget
	name := func(n, alt, id string) string {
		for _, s := range []string{n, alt, id} {
			if s != "" {
				return s
			}
		}
		return ""
	}
	for _, tf := range f.TextFields {
		ws = append(ws, simWidget{Type: "text", Description: name(tf.Name, tf.AltName, tf.ID), Value: tf.Value})
	}
	for _, df := range f.DateFields {
		ws = append(ws, simWidget{Type: "text", Description: name(df.Name, df.AltName, df.ID), Value: df.Value})
	}
	for _, cb := range f.CheckBoxes {
		v := ""
		if cb.Value {
			v = "checked"
		}
		ws = append(ws, simWidget{Type: "checkbox", Description: name(cb.Name, cb.AltName, cb.ID), Value: v})
	}
	for _, rb := range f.RadioButtonGroups {
		ws = append(ws, simWidget{Type: "radio", Description: name(rb.Name, rb.AltName, rb.ID), Value: rb.Value})
	}
	for _, cb := range f.ComboBoxes {
		ws = append(ws, simWidget{Type: "dropdown", Description: name(cb.Name, cb.AltName, cb.ID), Value: cb.Value})
	}
	return ws
}

// FillForm is the simulator's filling of doc from instructions (see
// fillForm), for demos and screenshots that show an edit without a job.
func FillForm(doc []byte, instructions string) []byte {
	filled, _ := fillForm(doc, instructions)
	return filled
}
