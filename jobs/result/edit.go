package result

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() { register(jobs.KindEdit, readEdit) }

// Edit is an edit job's result (Reducto's EditResponse): where the filled
// document is and the form's widgets as Reducto read them.
type Edit struct {
	// DocumentURL is a presigned link to the filled document; it expires,
	// so the engine keeps the bytes in the history on completion.
	DocumentURL string          `json:"document_url"`
	FormSchema  json.RawMessage `json:"form_schema,omitempty"`
	Usage       Usage           `json:"usage"`
}

// readEdit reads an edit's result as the history keeps it: the response
// itself, or a response around it in "result" (as GET /job nests results).
// A result without a document_url is an error: there is nothing to show.
func readEdit(raw []byte, r *Result) error {
	var e struct {
		Edit
		Result *Edit `json:"result"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("read the edit result: %w", err)
	}
	out := e.Edit
	if out.DocumentURL == "" && e.Result != nil {
		out = *e.Result
	}
	if out.DocumentURL == "" {
		return errors.New("read the edit result: it has no document_url")
	}
	r.Edit, r.Usage = &out, out.Usage
	return nil
}
