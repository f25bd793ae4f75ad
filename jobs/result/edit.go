package result

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Edit is an edit job's result (Reducto's EditResponse): where the filled
// document is, the form's widgets as Reducto read them, and the usage.
type Edit struct {
	// DocumentURL is a presigned link to the filled document; it expires,
	// so the engine keeps the bytes in the history on completion.
	DocumentURL string          `json:"document_url"`
	FormSchema  json.RawMessage `json:"form_schema,omitempty"`
	Usage       EditUsage       `json:"usage"`
}

// EditUsage is what an edit cost (ParseUsage).
type EditUsage struct {
	NumPages int      `json:"num_pages"`
	Credits  *float64 `json:"credits"`
}

// ReadEdit reads an edit's result as the history keeps it: the response
// itself, or a response around it in "result" (as GET /job nests results).
// A result without a document_url is an error: there is nothing to show.
func ReadEdit(raw []byte) (Edit, error) {
	var e struct {
		Edit
		Result *Edit `json:"result"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return Edit{}, fmt.Errorf("read the edit result: %w", err)
	}
	out := e.Edit
	if out.DocumentURL == "" && e.Result != nil {
		out = *e.Result
	}
	if out.DocumentURL == "" {
		return Edit{}, errors.New("read the edit result: it has no document_url")
	}
	return out, nil
}
