package account

import (
	"encoding/json"
	"net/url"
	"path"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// refKey is the engine's client reference in async.metadata
// (engine.RefKey): a job carrying one of ours is this install's.
const refKey = "reducto_tray_ref"

func refOf(meta json.RawMessage) string {
	var m map[string]any
	if len(meta) == 0 || json.Unmarshal(meta, &m) != nil {
		return ""
	}
	s, _ := m[refKey].(string)
	return s
}

// statusOf maps Reducto's status word onto the contract's statuses.
func statusOf(word string) jobs.Status {
	switch word {
	case reducto.JobCompleted:
		return jobs.StatusCompleted
	case reducto.JobFailed:
		return jobs.StatusFailed
	case reducto.JobCancelled:
		return jobs.StatusCancelled
	case reducto.JobPending, reducto.JobIdle:
		return jobs.StatusPending
	}
	// InProgress, Completing and words Reducto may add: still running.
	return jobs.StatusRunning
}

// kindOf maps GET /job's "type" (Parse, Extract, Split) to a Kind; "" when
// unknown.
func kindOf(typ string) jobs.Kind {
	k := jobs.Kind(strings.ToLower(typ))
	if k.Valid() {
		return k
	}
	return ""
}

// fromConfig reads what raw_config (the submitted request) tells about a
// job: its document's name, webhook mode and channels, and metadata.
func fromConfig(raw string) jobs.AccountJob {
	var a jobs.AccountJob
	if raw == "" {
		return a
	}
	var cfg struct {
		Input any `json:"input"`
		Async *struct {
			Metadata json.RawMessage        `json:"metadata"`
			Webhook  *reducto.WebhookConfig `json:"webhook"`
		} `json:"async"`
		// An edit's legacy shape: the document and the webhook, with its
		// metadata inside, are top-level.
		DocumentURL any                  `json:"document_url"`
		Webhook     *reducto.EditWebhook `json:"webhook"`
	}
	if json.Unmarshal([]byte(raw), &cfg) != nil {
		return a
	}
	a.Name = inputName(cfg.Input)
	a.Webhook = jobs.WebhookNone
	if wh := cfg.Webhook; cfg.Async == nil && wh != nil {
		a.Name = inputName(cfg.DocumentURL)
		if len(wh.Metadata) > 0 && string(wh.Metadata) != "null" {
			a.Metadata = wh.Metadata
		}
		if jobs.WebhookMode(wh.Mode).Valid() {
			a.Webhook, a.Channels = jobs.WebhookMode(wh.Mode), wh.Channels
		}
		return a
	}
	if cfg.Async != nil {
		if len(cfg.Async.Metadata) > 0 && string(cfg.Async.Metadata) != "null" {
			a.Metadata = cfg.Async.Metadata
		}
		if wh := cfg.Async.Webhook; wh != nil && jobs.WebhookMode(wh.Mode).Valid() {
			a.Webhook = jobs.WebhookMode(wh.Mode)
			a.Channels = wh.Channels
		}
	}
	return a
}

// inputName is the last path segment of a URL input ("" for an upload,
// whose reducto:// id names no document, and for jobid:// chains).
func inputName(in any) string {
	s, _ := in.(string)
	if m, ok := in.(map[string]any); ok {
		s, _ = m["url"].(string)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	name := path.Base(u.Path)
	if name == "/" || name == "." {
		return ""
	}
	return name
}

// fromJob is what GET /job tells about an account job.
func fromJob(id string, j *reducto.Job) jobs.AccountJob {
	a := fromConfig(j.RawConfig)
	a.JobID, a.Status, a.Kind = id, statusOf(j.Status), kindOf(j.Type)
	if j.CreatedAt != nil {
		a.CreatedAt = *j.CreatedAt
	}
	if a.Status == jobs.StatusFailed {
		a.Error = j.Reason
		if a.Error == "" {
			a.Error = j.Error.Text()
		}
	}
	if j.NumPages != nil {
		a.Pages = *j.NumPages
	}
	var res struct {
		Usage struct {
			NumPages *int     `json:"num_pages"`
			Credits  *float64 `json:"credits"`
		} `json:"usage"`
	}
	if json.Unmarshal(j.Result, &res) == nil {
		if res.Usage.NumPages != nil && a.Pages == 0 {
			a.Pages = *res.Usage.NumPages
		}
		a.Credits = res.Usage.Credits
	}
	return a
}
