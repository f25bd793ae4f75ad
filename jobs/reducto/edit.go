package reducto

import (
	"context"
	"encoding/json"

	"github.com/reductotray/reducto-tray/jobs"
)

// EditOptions is the edit request's "edit_options" object (the fields the
// app sets; a preset's raw request reaches the others).
type EditOptions struct {
	Color               string   `json:"color,omitempty"`
	FontSize            *float64 `json:"font_size,omitempty"`
	EnableOverflowPages bool     `json:"enable_overflow_pages,omitempty"`
	Flatten             bool     `json:"flatten,omitempty"`
}

// EditWebhook is the legacy WebhookConfigNew of an edit: unlike the V3
// async object, the metadata (and so the client reference) lives inside
// it, and "disabled" is how to ask for no notification while still
// carrying metadata.
type EditWebhook struct {
	Mode     string          `json:"mode"` // "disabled", "svix" or "direct"
	URL      string          `json:"url,omitempty"`
	Channels []string        `json:"channels,omitempty"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// EditRequest is the body of POST /edit_async, in its legacy shape
// (AsyncEditConfig): the document is document_url (an upload's reducto://
// id), priority and the webhook are top-level.
type EditRequest struct {
	DocumentURL      string          `json:"document_url"`
	EditInstructions string          `json:"edit_instructions"`
	EditOptions      *EditOptions    `json:"edit_options,omitempty"`
	FormSchema       json.RawMessage `json:"form_schema,omitempty"`
	Priority         bool            `json:"priority,omitempty"`
	Webhook          *EditWebhook    `json:"webhook,omitempty"`
	// RawFields are more request fields with the API's own names (see
	// raw.go), merged over the typed ones when the request is encoded.
	RawFields json.RawMessage `json:"-"`
}

type plainEdit EditRequest

// MarshalJSON encodes the request with its RawFields merged in; the
// fields the app sets for an edit (KindEdit's AppFields) are refused.
func (r EditRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plainEdit(r))
	if err != nil {
		return nil, err
	}
	spec, _ := jobs.KindEdit.Spec()
	return mergeRaw(b, r.RawFields, spec.AppFields)
}

// EditAsync submits an edit job and returns its job_id, with the same
// retry and ambiguity rules as ParseAsync.
func (c *Client) EditAsync(ctx context.Context, req EditRequest) (string, error) {
	return c.submit(ctx, "/edit_async", req)
}
