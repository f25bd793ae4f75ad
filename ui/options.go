package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

// formInput is the raw text of the submit form's fields common to every
// kind. It is plain data so that the rules turning it into jobs.Options are
// testable without widgets; each kind's own fields are its section's
// (kindForm, submit_<kind>.go).
type formInput struct {
	Kind      jobs.Kind
	Webhook   jobs.WebhookMode
	Channels  string // comma separated
	DirectURL string // where direct mode would send; empty = unavailable
	Metadata  string
	Priority  bool
	// Request is the raw view: Reducto request fields the form has no
	// widget for, as a JSON object with the API's own names.
	Request string
	// Beside writes the results next to each document.
	Beside bool
	// Then is a loaded preset's chained preset, kept as it was: the form
	// has no widget for it, and saving must not drop it.
	Then string
}

// toOptions validates in and returns the options it describes, but for
// the kind's own (withKind adds them), or the first problem in words a
// user can act on.
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
	return o, nil
}

// fromOptions fills the form's common fields from saved options (the
// defaults).
func fromOptions(o jobs.Options) formInput {
	in := formInput{
		Kind: o.Kind, Webhook: o.Webhook, Channels: strings.Join(o.Channels, ", "),
		Priority: o.Priority, Beside: o.Outputs == jobs.OutputsBeside, Then: o.Then,
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
