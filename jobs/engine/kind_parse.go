package engine

import (
	"context"
	"encoding/json"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func init() { registerSender(jobs.KindParse, sendParse) }

// sendParse submits POST /parse_async.
func sendParse(ctx context.Context, e *Engine, job jobs.Job, input string, raw json.RawMessage) (string, error) {
	async, err := e.asyncConfig(job)
	if err != nil {
		return "", err
	}
	req := reducto.ParseRequest{Input: input, Async: async, RawFields: raw}
	if p := parsingOf(job.Options.Parse); p != nil {
		req.Formatting, req.Retrieval, req.Settings = p.Formatting, p.Retrieval, p.Settings
	}
	return e.client.ParseAsync(ctx, req)
}
