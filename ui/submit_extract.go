package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerKindForm(jobs.KindExtract, func(changed func()) kindForm { return newExtractForm(changed) })
}

// extractForm is the submit form's part for an extract: the JSON schema
// and the system prompt.
type extractForm struct {
	Schema       *widget.Entry
	SystemPrompt *widget.Entry
	obj          fyne.CanvasObject
}

func newExtractForm(changed func()) *extractForm {
	onChange := func(string) { changed() }
	s := &extractForm{}
	s.Schema = &widget.Entry{MultiLine: true, Wrapping: fyne.TextWrapOff, OnChanged: onChange, TextStyle: fyne.TextStyle{Monospace: true},
		PlaceHolder: `e.g. {"type": "object", "properties": {"total": {"type": "number"}}}`}
	s.Schema.SetMinRowsVisible(8)
	s.SystemPrompt = &widget.Entry{MultiLine: true, Wrapping: fyne.TextWrapWord, OnChanged: onChange, PlaceHolder: "Optional instructions for the model"}
	s.SystemPrompt.SetMinRowsVisible(2)
	s.obj = widget.NewForm(
		widget.NewFormItem("JSON schema", s.Schema),
		widget.NewFormItem("System prompt", s.SystemPrompt),
	)
	return s
}

func (s *extractForm) object() fyne.CanvasObject { return s.obj }

func (s *extractForm) fill(o jobs.Options) {
	schema := ""
	if len(o.Extract.Schema) > 0 {
		schema = prettyJSON(o.Extract.Schema)
	}
	s.Schema.SetText(schema)
	s.SystemPrompt.SetText(o.Extract.SystemPrompt)
}

func (s *extractForm) read(o *jobs.Options) error {
	schema, err := validateSchema(s.Schema.Text)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	o.Extract = jobs.ExtractOptions{Schema: schema, SystemPrompt: strings.TrimSpace(s.SystemPrompt.Text)}
	return nil
}

// validateSchema reads the schema box: empty is a missing schema, else
// jobs.CheckSchema's one rule.
func validateSchema(text string) ([]byte, error) {
	raw, err := objectJSON(text)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, errors.New("an extract job needs a schema")
	}
	if err := jobs.CheckSchema(raw); err != nil {
		return nil, err
	}
	return raw, nil
}
