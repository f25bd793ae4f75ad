package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func init() {
	registerSyncSender(jobs.KindClassify, sendClassify)
	registerFinisher(jobs.KindClassify, readClassify)
}

// sendClassify runs POST /classify, which answers with the category.
func sendClassify(ctx context.Context, e *Engine, job jobs.Job, input string, raw json.RawMessage) (string, *reducto.Job, error) {
	cats := job.Options.Classify.Categories
	schema := make([]reducto.ClassificationCategory, len(cats))
	for i, c := range cats {
		// Reducto wants a list, even an empty one.
		schema[i] = reducto.ClassificationCategory{Category: c.Category, Criteria: append([]string{}, c.Criteria...)}
	}
	resp, err := e.client.Classify(ctx, reducto.ClassifyRequest{Input: input, ClassificationSchema: schema, RawFields: raw})
	if err != nil {
		return "", nil, err
	}
	return resp.JobID, resp.Job(), nil
}

// readClassify records the category a classify chose; a result without
// one fails the job.
func readClassify(_ context.Context, _ *Engine, _ jobs.Job, raw json.RawMessage, p *store.Patch) error {
	r, err := result.Read(jobs.KindClassify, raw)
	if err != nil {
		return finalError{fmt.Errorf("Reducto's result cannot be used: %w", err)}
	}
	p.Category = &r.Classify.Category
	if p.Pages == nil && r.Usage.Pages > 0 {
		p.Pages = &r.Usage.Pages
	}
	return nil
}
