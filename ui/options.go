package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

// The choices the submit form offers for parse options; empty means
// Reducto's default.
var (
	tableFormats = append([]string{""}, jobs.TableFormats...)
	chunkModes   = append([]string{""}, jobs.ChunkModes...)
)

// formInput is the raw text of the submit form. It is plain data so that the
// rules turning it into jobs.Options are testable without widgets.
type formInput struct {
	Kind         jobs.Kind
	Webhook      jobs.WebhookMode
	Channels     string // comma separated
	DirectURL    string // where direct mode would send; empty = unavailable
	Metadata     string
	Priority     bool
	PageStart    string
	PageEnd      string
	TableFormat  string
	ChunkMode    string
	Schema       string
	SystemPrompt string
	Splits       []jobs.SplitDescription
	SplitRules   string
	// An edit's instructions, text colour and flatten (submit_edit.go).
	EditInstructions string
	EditColor        string
	EditFlatten      bool
	// Request is the raw view: Reducto request fields the form has no
	// widget for, as a JSON object with the API's own names.
	Request string
	// Beside writes the results next to each document.
	Beside bool
	// Then is a loaded preset's chained preset, kept as it was: the form
	// has no widget for it, and saving must not drop it.
	Then string
	// Categories are the classify section's rows (submit_classify.go);
	// Routes a loaded classify preset's, kept as Then is.
	Categories []categoryInput
	Routes     map[string]string
}

// toOptions validates in and returns the options it describes, or the
// first problem in words a user can act on.
func (in formInput) toOptions() (jobs.Options, error) {
	o := jobs.Options{Kind: in.Kind, Webhook: in.Webhook, Priority: in.Priority}
	if !o.Kind.Valid() {
		return o, fmt.Errorf("choose %s", jobs.KindNames("or"))
	}
	if !o.Webhook.Valid() {
		return o, fmt.Errorf("choose a webhook mode")
	}
	switch o.Webhook {
	case jobs.WebhookSvix:
		o.Channels = splitList(in.Channels)
	case jobs.WebhookDirect:
		if in.DirectURL == "" {
			return o, errors.New("direct webhooks need a public URL (set it in Settings or with --public-url)")
		}
	}
	meta, err := objectJSON(in.Metadata)
	if err != nil {
		return o, fmt.Errorf("metadata: %w", err)
	}
	o.Metadata = meta
	if o.Request, err = requestJSON(in.Request); err != nil {
		return o, fmt.Errorf("request fields: %w", err)
	}
	o.Outputs = jobs.OutputsNone
	if in.Beside {
		o.Outputs = jobs.OutputsBeside
	}
	o.Then = in.Then
	switch o.Kind {
	case jobs.KindParse:
		if o.Parse.PageStart, err = pageNumber(in.PageStart); err != nil {
			return o, fmt.Errorf("first page: %w", err)
		}
		if o.Parse.PageEnd, err = pageNumber(in.PageEnd); err != nil {
			return o, fmt.Errorf("last page: %w", err)
		}
		if o.Parse.PageStart > 0 && o.Parse.PageEnd > 0 && o.Parse.PageEnd < o.Parse.PageStart {
			return o, fmt.Errorf("the last page (%d) is before the first (%d)", o.Parse.PageEnd, o.Parse.PageStart)
		}
		o.Parse.TableFormat = in.TableFormat
		o.Parse.ChunkMode = in.ChunkMode
	case jobs.KindExtract:
		schema, err := validateSchema(in.Schema)
		if err != nil {
			return o, fmt.Errorf("schema: %w", err)
		}
		o.Extract = jobs.ExtractOptions{Schema: schema, SystemPrompt: strings.TrimSpace(in.SystemPrompt)}
	case jobs.KindSplit:
		for i, d := range in.Splits {
			d.Name, d.Description = strings.TrimSpace(d.Name), strings.TrimSpace(d.Description)
			if d.Name == "" && d.Description == "" {
				continue
			}
			if d.Name == "" {
				return o, fmt.Errorf("split %d has a description but no name", i+1)
			}
			o.Split.Descriptions = append(o.Split.Descriptions, d)
		}
		if len(o.Split.Descriptions) == 0 {
			return o, errors.New("a split needs at least one named section")
		}
		o.Split.Rules = strings.TrimSpace(in.SplitRules)
	case jobs.KindEdit:
		o.Edit = jobs.EditOptions{Instructions: strings.TrimSpace(in.EditInstructions),
			Color: strings.TrimSpace(in.EditColor), Flatten: in.EditFlatten}
		if o.Edit.Instructions == "" && jobs.RawLookup(o.Request, "edit_instructions") == nil {
			return o, errors.New("an edit needs instructions: what to fill in, and with what")
		}
		if err := o.Validate(); err != nil {
			return o, err
		}
	case jobs.KindClassify:
		if o.Classify, err = classifyOptions(in.Categories); err != nil {
			return o, err
		}
		o.Routes = in.Routes
	}
	return o, nil
}

// fromOptions fills the form from saved options (the defaults).
func fromOptions(o jobs.Options) formInput {
	in := formInput{
		Kind: o.Kind, Webhook: o.Webhook, Channels: strings.Join(o.Channels, ", "),
		Priority: o.Priority, TableFormat: o.Parse.TableFormat, ChunkMode: o.Parse.ChunkMode,
		SystemPrompt: o.Extract.SystemPrompt, Splits: o.Split.Descriptions, SplitRules: o.Split.Rules,
		EditInstructions: o.Edit.Instructions, EditColor: o.Edit.Color, EditFlatten: o.Edit.Flatten,
		Beside: o.Outputs == jobs.OutputsBeside, Then: o.Then,
		Categories: categoryRows(o.Classify), Routes: o.Routes,
	}
	if len(o.Request) > 0 {
		in.Request = prettyJSON(o.Request)
	}
	if !in.Kind.Valid() {
		in.Kind = jobs.KindParse
	}
	if !in.Webhook.Valid() {
		in.Webhook = jobs.WebhookNone
	}
	if len(o.Metadata) > 0 {
		in.Metadata = prettyJSON(o.Metadata)
	}
	if len(o.Extract.Schema) > 0 {
		in.Schema = prettyJSON(o.Extract.Schema)
	}
	if o.Parse.PageStart > 0 {
		in.PageStart = strconv.Itoa(o.Parse.PageStart)
	}
	if o.Parse.PageEnd > 0 {
		in.PageEnd = strconv.Itoa(o.Parse.PageEnd)
	}
	return in
}

// objectJSON accepts empty text (no metadata) or one JSON object, and
// returns it compacted.
func objectJSON(text string) (json.RawMessage, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not valid JSON: %s", jsonErrorText(text, err))
	}
	if dec.More() {
		return nil, errors.New("not valid JSON: more than one value")
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, errors.New("must be a JSON object ({…})")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(text)); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	return buf.Bytes(), nil
}

// validateSchema reads the schema box: empty is a missing schema, else
// jobs.CheckSchema's one rule.
func validateSchema(text string) (json.RawMessage, error) {
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

// jsonErrorText points at the line and column of a syntax error, which is
// what a user fixing a multi-line editor needs.
func jsonErrorText(text string, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(text, int(se.Offset))
		return fmt.Sprintf("%s (line %d, column %d)", se.Error(), line, col)
	}
	return err.Error()
}

func lineCol(text string, offset int) (line, col int) {
	if offset > len(text) {
		offset = len(text)
	}
	before := text[:offset]
	line = strings.Count(before, "\n") + 1
	col = offset - strings.LastIndex(before, "\n")
	return line, col
}

func pageNumber(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a page number", s)
	}
	return n, nil
}
