package engine

import (
	"context"
	"encoding/json"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func init() { registerSender(jobs.KindSplit, sendSplit) }

// sendSplit submits POST /split_async.
func sendSplit(ctx context.Context, e *Engine, job jobs.Job, input string, raw json.RawMessage) (string, error) {
	async, err := e.asyncConfig(job)
	if err != nil {
		return "", err
	}
	o := job.Options
	descs := make([]reducto.SplitDescription, len(o.Split.Descriptions))
	for i, d := range o.Split.Descriptions {
		descs[i] = reducto.SplitDescription{Name: d.Name, Description: d.Description}
	}
	return e.client.SplitAsync(ctx, reducto.SplitRequest{
		Input: input, Async: async, SplitDescription: descs, SplitRules: o.Split.Rules,
		Parsing: parsingFor(o), RawFields: raw,
	})
}
