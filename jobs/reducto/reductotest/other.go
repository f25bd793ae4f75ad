package reductotest

import (
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// OtherJob is a job submitted by another client of the same account (a
// colleague's install, a script, the Studio): the app under test never saw
// its submission, only what the account shows (GET /jobs, and Svix
// deliveries when it asked for them).
type OtherJob struct {
	Kind     string          // "parse" (default), "extract", "split" or "edit"
	FileName string          // the document's name; the job's input is an https URL ending in it
	Metadata json.RawMessage // its async.metadata; nil for none
	Svix     bool            // ask for Svix notifications (sent to the configured endpoint)
	Channels []string        // Svix channels; empty = every channel
	Fail     string          // when set, the job fails with this reason
}

// SubmitAsOther creates o as another client would have submitted it and
// returns its job id. It runs, ends and notifies like any other job.
func (s *Server) SubmitAsOther(o OtherJob) (string, error) {
	if o.Kind == "" {
		o.Kind = "parse"
	}
	if o.FileName == "" {
		o.FileName = "document.pdf"
	}
	async := reducto.AsyncConfig{Metadata: o.Metadata}
	if o.Svix {
		async.Webhook = &reducto.WebhookConfig{Mode: "svix", Channels: o.Channels}
	}
	input := "https://files.example.com/shared/" + url.PathEscape(o.FileName)
	body := map[string]any{"input": input, "async": async}
	if other := simKinds[o.Kind].otherBody; other != nil {
		body = other(input, async)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("submit as another client: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.createJobLocked(Submission{Kind: o.Kind, Input: input, FileName: o.FileName, Body: raw}, async, o.Fail, s.clk.Now())
	return j.ID, nil
}
