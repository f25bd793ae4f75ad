package engine

import (
	"context"
	"encoding/json"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func init() {
	registerSyncSender(jobs.KindClassify, sendClassify)
	resultReaders[jobs.KindClassify] = readClassify
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

// readClassify records the category a classify chose.
func readClassify(raw json.RawMessage, p *store.Patch) error {
	c, err := result.ReadClassify(raw)
	if err != nil {
		return err
	}
	p.Category = &c.Category
	if p.Pages == nil && c.Usage.NumPages > 0 {
		p.Pages = &c.Usage.NumPages
	}
	return nil
}
