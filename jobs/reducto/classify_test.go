package reducto_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// mailSchema sorts mail: an invoice by its word, a contract by two words
// together, anything else a letter (the last category).
var mailSchema = []reducto.ClassificationCategory{
	{Category: "contract", Criteria: []string{"signed agreement"}},
	{Category: "invoice", Criteria: []string{"amount due", "INVOICE"}},
	{Category: "letter", Criteria: []string{}},
}

func classifyOf(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var r struct {
		ResponseType string `json:"response_type"`
		Result       struct {
			Category string `json:"category"`
		} `json:"result"`
		Usage struct {
			NumCategories int `json:"num_categories"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || r.ResponseType != "classify" || r.Usage.NumCategories != len(mailSchema) {
		t.Fatalf("classify response %s: %v", raw, err)
	}
	return r.Result.Category
}

// TestClassifySimulated: POST /classify answers at once with the first
// category whose criteria's words are in the document (here its made-up
// text, which names the file), else the last; the client sends the raw
// fields and reads the job id.
func TestClassifySimulated(t *testing.T) {
	srv := newSim(t, reductotest.Config{ClassifyDelay: -1})
	c := reducto.New(srv.URL, "sim-key", reducto.WithBackoff(time.Millisecond, 5*time.Millisecond))
	ctx := context.Background()
	for name, want := range map[string]string{"invoice-march.pdf": "invoice", "holiday.pdf": "letter"} {
		up, err := c.Upload(ctx, name, bytes.NewReader([]byte("%PDF-1.4 x")), 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Classify(ctx, reducto.ClassifyRequest{Input: up.FileID, ClassificationSchema: mailSchema,
			RawFields: json.RawMessage(`{"document_metadata":"mail"}`)})
		if err != nil {
			t.Fatalf("classify %s: %v", name, err)
		}
		if resp.JobID == "" || classifyOf(t, resp.Raw) != want {
			t.Errorf("%s: %s, want %s", name, resp.Raw, want)
		}
	}
	log := srv.RequestLog()
	if n := srv.Requests("/classify"); n != 2 {
		t.Errorf("%d classify requests (log %d), want 2", n, len(log))
	}
}

// TestClassifyRefusedAndRetried: the simulator refuses a request without
// input or categories (422, not retried), and the client waits out a 429
// and a 503 as for any idempotent call.
func TestClassifyRefusedAndRetried(t *testing.T) {
	srv := newSim(t, reductotest.Config{ClassifyDelay: -1})
	c := reducto.New(srv.URL, "sim-key", reducto.WithBackoff(time.Millisecond, 5*time.Millisecond))
	ctx := context.Background()
	_, err := c.Classify(ctx, reducto.ClassifyRequest{Input: "https://example.com/a.pdf"})
	var ae *reducto.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "classification_schema") {
		t.Fatalf("no schema: %v, want a 422 naming classification_schema", err)
	}
	_, err = c.Classify(ctx, reducto.ClassifyRequest{ClassificationSchema: mailSchema})
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no input: %v, want 422", err)
	}
	if _, err := c.Classify(ctx, reducto.ClassifyRequest{Input: "jobid://nope", ClassificationSchema: mailSchema}); !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown parse: %v, want 404", err)
	}
	srv.Inject429(1, 0)
	srv.Inject5xx(1, http.StatusServiceUnavailable)
	resp, err := c.Classify(ctx, reducto.ClassifyRequest{Input: "https://example.com/invoice.pdf", ClassificationSchema: mailSchema})
	if err != nil {
		t.Fatalf("through a 429 and a 503: %v", err)
	}
	if got := classifyOf(t, resp.Raw); got != "invoice" {
		t.Errorf("category %q, want invoice", got)
	}
	if srv.Count429() != 1 || srv.CountStatus(http.StatusServiceUnavailable) != 1 {
		t.Errorf("faults answered: 429 %d, 503 %d", srv.Count429(), srv.CountStatus(503))
	}
	// The app sets input itself: a raw field may not.
	if _, err := c.Classify(ctx, reducto.ClassifyRequest{Input: "https://example.com/a.pdf", ClassificationSchema: mailSchema, RawFields: json.RawMessage(`{"input":"x"}`)}); err == nil {
		t.Error("a raw input was sent")
	}
}
