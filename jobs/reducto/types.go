// Package reducto is a thin, typed REST client for the Reducto API: upload,
// the asynchronous parse/extract/split submissions, job status and results,
// the job list, cancel and the webhook portal. It knows nothing of SQLite or
// of any UI.
package reducto

import (
	"encoding/json"
	"time"
)

// Regions' base URLs, as in Reducto's official SDKs.
const (
	BaseURLUS = "https://platform.reducto.ai"
	BaseURLEU = "https://eu.platform.reducto.ai"
	BaseURLAU = "https://au.platform.reducto.ai"
)

// Reducto's job status words. Unknown words are treated as still running.
const (
	JobPending    = "Pending"
	JobIdle       = "Idle"
	JobInProgress = "InProgress"
	JobCompleting = "Completing"
	JobCompleted  = "Completed"
	JobFailed     = "Failed"
	JobCancelled  = "Cancelled"
)

// IsTerminal reports whether a Reducto status word is final.
func IsTerminal(status string) bool {
	return status == JobCompleted || status == JobFailed || status == JobCancelled
}

// Upload is the answer of POST /upload.
type Upload struct {
	FileID       string `json:"file_id"`                 // "reducto://..."; used as a submission's input
	PresignedURL string `json:"presigned_url,omitempty"` // set in the presigned flow: PUT the bytes there
}

// WebhookConfig is the V3 async.webhook object. Mode is "svix" or "direct";
// a nil *WebhookConfig means no webhook.
type WebhookConfig struct {
	Mode     string   `json:"mode"`
	URL      string   `json:"url,omitempty"`      // direct mode
	Channels []string `json:"channels,omitempty"` // svix mode; empty = all channels
}

// AsyncConfig is the V3 "async" object of parse/extract/split submissions.
type AsyncConfig struct {
	Metadata json.RawMessage `json:"metadata,omitempty"`
	Priority bool            `json:"priority,omitempty"`
	Webhook  *WebhookConfig  `json:"webhook,omitempty"`
}

// PageRange limits parsing to pages Start..End (1-based, inclusive).
type PageRange struct {
	Start int `json:"start,omitempty"`
	End   int `json:"end,omitempty"`
}

// Formatting is the parse "formatting" object (the fields the app sets).
type Formatting struct {
	TableOutputFormat string `json:"table_output_format,omitempty"`
}

// Chunking is retrieval.chunking.
type Chunking struct {
	ChunkMode string `json:"chunk_mode,omitempty"`
}

// Retrieval is the parse "retrieval" object (the fields the app sets).
type Retrieval struct {
	Chunking *Chunking `json:"chunking,omitempty"`
}

// ParseSettings is the parse "settings" object (the fields the app sets).
type ParseSettings struct {
	PageRange      *PageRange `json:"page_range,omitempty"`
	ForceURLResult bool       `json:"force_url_result,omitempty"`
}

// ParseOptions is the "parsing" object extract and split accept.
type ParseOptions struct {
	Formatting *Formatting    `json:"formatting,omitempty"`
	Retrieval  *Retrieval     `json:"retrieval,omitempty"`
	Settings   *ParseSettings `json:"settings,omitempty"`
}

// ParseRequest is the body of POST /parse_async.
type ParseRequest struct {
	Input      string         `json:"input"`
	Async      *AsyncConfig   `json:"async,omitempty"`
	Formatting *Formatting    `json:"formatting,omitempty"`
	Retrieval  *Retrieval     `json:"retrieval,omitempty"`
	Settings   *ParseSettings `json:"settings,omitempty"`
	// RawFields are more request fields with the API's own names (see
	// raw.go), merged over the typed ones when the request is encoded.
	RawFields json.RawMessage `json:"-"`
}

// Instructions tell an extract job what to pull out.
type Instructions struct {
	Schema       json.RawMessage `json:"schema,omitempty"`
	SystemPrompt string          `json:"system_prompt,omitempty"`
}

// ExtractRequest is the body of POST /extract_async.
type ExtractRequest struct {
	Input        string        `json:"input"`
	Async        *AsyncConfig  `json:"async,omitempty"`
	Instructions *Instructions `json:"instructions,omitempty"`
	Parsing      *ParseOptions `json:"parsing,omitempty"`
	// RawFields are more request fields with the API's own names (see
	// raw.go), merged over the typed ones when the request is encoded.
	RawFields json.RawMessage `json:"-"`
}

// SplitDescription is one entry of a split job's split_description.
type SplitDescription struct {
	Name         string `json:"name"`
	Description  string `json:"description"`
	PartitionKey string `json:"partition_key,omitempty"`
}

// SplitRequest is the body of POST /split_async.
type SplitRequest struct {
	Input            string             `json:"input"`
	Async            *AsyncConfig       `json:"async,omitempty"`
	SplitDescription []SplitDescription `json:"split_description"`
	SplitRules       string             `json:"split_rules,omitempty"`
	Parsing          *ParseOptions      `json:"parsing,omitempty"`
	// RawFields are more request fields with the API's own names (see
	// raw.go), merged over the typed ones when the request is encoded.
	RawFields json.RawMessage `json:"-"`
}

// AsyncResponse is the answer of every *_async submission.
type AsyncResponse struct {
	JobID string `json:"job_id"`
}

// Job is the answer of GET /job/{id}. Result is the raw result union
// (parse, extract, split, ...) as Reducto sent it; see ResolveResult for
// URL-form results.
type Job struct {
	Status   string   `json:"status"`
	Progress *float64 `json:"progress,omitempty"`
	// Reason is the failure text, whichever form Reducto sent it in: the
	// newer error object's message (see Error), else reason, else the
	// error object's name and code. Empty unless the job failed.
	Reason string `json:"reason,omitempty"`
	// Error is the newer "error" field, {code, name, message} or a plain
	// string (then only Message is set); nil when absent.
	Error      *JobError       `json:"error,omitempty"`
	Result     json.RawMessage `json:"result,omitempty"`
	Type       string          `json:"type,omitempty"`
	NumPages   *int            `json:"num_pages,omitempty"`
	TotalPages *int            `json:"total_pages,omitempty"`
	Duration   *float64        `json:"duration,omitempty"`
	CreatedAt  *time.Time      `json:"created_at,omitempty"`
	RawConfig  string          `json:"raw_config,omitempty"`
}

// JobError is the newer structured failure of a job:
// "error": {"code", "name", "message"}. Code may be a number or a string
// on the wire; it is kept as text.
type JobError struct {
	Code    string `json:"code,omitempty"`
	Name    string `json:"name,omitempty"`
	Message string `json:"message,omitempty"`
}

// Text returns the most readable description: the message, else the name
// with the code in brackets, else the code.
func (e *JobError) Text() string {
	switch {
	case e == nil:
		return ""
	case e.Message != "":
		return e.Message
	case e.Name != "" && e.Code != "":
		return e.Name + " (" + e.Code + ")"
	case e.Name != "":
		return e.Name
	}
	return e.Code
}

// ListedJob is one element of GET /jobs.
type ListedJob struct {
	JobID      string     `json:"job_id"`
	Status     string     `json:"status"`
	Type       string     `json:"type"`
	RawConfig  string     `json:"raw_config"` // the submitted request as JSON text; carries async.metadata
	CreatedAt  *time.Time `json:"created_at"`
	NumPages   *int       `json:"num_pages"`
	TotalPages *int       `json:"total_pages"`
	Duration   *float64   `json:"duration"`
}

// JobsPage is one page of GET /jobs.
type JobsPage struct {
	Jobs       []ListedJob `json:"jobs"`
	NextCursor *string     `json:"next_cursor"`
}

// ListJobsParams are the query parameters of GET /jobs.
type ListJobsParams struct {
	Cursor         string
	Limit          int // 1..500; 0 = the API's default (100)
	ExcludeConfigs bool
}

// WebhookPayload is the JSON body Reducto (directly or through Svix)
// POSTs when a job ends. It carries no result.
type WebhookPayload struct {
	Status   string          `json:"status"`
	JobID    string          `json:"job_id"`
	Metadata json.RawMessage `json:"metadata"`
}
