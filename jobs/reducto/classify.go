package reducto

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// ClassifyRequest is the body of POST /classify.
type ClassifyRequest struct {
	Input                string                   `json:"input"`
	ClassificationSchema []ClassificationCategory `json:"classification_schema,omitempty"`
	// RawFields are more request fields with the API's own names (see
	// raw.go), merged over the typed ones when the request is encoded.
	RawFields json.RawMessage `json:"-"`
}

// ClassificationCategory is one entry of classification_schema.
type ClassificationCategory struct {
	Category string   `json:"category"`
	Criteria []string `json:"criteria"`
}

// classifyAppFields are the fields the client sets itself in a classify:
// only the document (the answer comes back at once: no async object).
var classifyAppFields = []string{"input"}

type plainClassify ClassifyRequest

// MarshalJSON encodes the request with its RawFields merged in.
func (r ClassifyRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plainClassify(r))
	if err != nil {
		return nil, err
	}
	return mergeRaw(b, r.RawFields, classifyAppFields)
}

// ClassifyResponse is what POST /classify answers: Reducto's job id and
// the whole answer as sent, which the history keeps as the job's result
// (jobs/result reads the category from it).
type ClassifyResponse struct {
	JobID string
	Raw   json.RawMessage
}

// Job is the answer as GET /job would give it for a finished classify:
// completed, its result the whole response.
func (r *ClassifyResponse) Job() *Job {
	return &Job{Status: JobCompleted, Result: r.Raw, Type: "Classify"}
}

// maxClassifyBody bounds the answer read: a category and usage.
const maxClassifyBody = 1 << 20

// Classify runs POST /classify, which Reducto answers when the document is
// classified (it is synchronous). Running it twice costs credits but
// creates nothing that lasts, so it is retried by the SDKs' rule, as the
// idempotent calls are; bound the wait with ctx.
func (c *Client) Classify(ctx context.Context, req ClassifyRequest) (*ClassifyResponse, error) {
	const op = "POST /classify"
	mk, n, err := jsonBody(req)
	if err != nil {
		return nil, fmt.Errorf("reducto: %s: encode request: %w", op, err)
	}
	resp, err := c.do(ctx, &request{
		method: http.MethodPost, path: "/classify",
		body: mk, contentLength: n, contentType: "application/json",
		policy: retryIdempotent,
	})
	if err != nil {
		return nil, err
	}
	defer drainClose(resp.Body)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxClassifyBody+1))
	if err != nil {
		return nil, fmt.Errorf("reducto: %s: read response: %w", op, err)
	}
	if len(raw) > maxClassifyBody {
		return nil, fmt.Errorf("reducto: %s: response larger than %d bytes", op, maxClassifyBody)
	}
	var w AsyncResponse // the job_id is all the client reads
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, fmt.Errorf("reducto: %s: decode response: %w", op, err)
	}
	return &ClassifyResponse{JobID: w.JobID, Raw: raw}, nil
}
