package engine

import (
	"context"
	"encoding/json"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func init() { registerSender(jobs.KindExtract, sendExtract) }

// sendExtract submits POST /extract_async.
func sendExtract(ctx context.Context, e *Engine, job jobs.Job, input string, raw json.RawMessage) (string, error) {
	async, err := e.asyncConfig(job)
	if err != nil {
		return "", err
	}
	o := job.Options
	return e.client.ExtractAsync(ctx, reducto.ExtractRequest{
		Input: input, Async: async,
		Instructions: &reducto.Instructions{Schema: o.Extract.Schema, SystemPrompt: o.Extract.SystemPrompt},
		Parsing:      parsingFor(o), RawFields: raw,
	})
}
