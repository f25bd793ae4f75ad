// Package jobs is the domain of Reducto Tray: a job, its statuses, kinds and
// options, the queries and events that describe it, and its contract JSON
// form. It holds no I/O: the SQLite history is jobs/store, the engine that
// submits documents and follows them is jobs/engine, and the UI depends on
// this package alone, so it cannot reach SQL or HTTP even by accident.
// Nothing below jobs/ imports Fyne.
package jobs

import (
	"encoding/json"
	"time"
)

// Status is where a job stands in its life. The values are part of the
// public contract (`reducto-tray jobs --json`).
type Status string

// The statuses a job moves through, in order: queued -> uploading -> pending
// -> running -> one of the three final ones.
const (
	StatusQueued    Status = "queued"
	StatusUploading Status = "uploading"
	StatusPending   Status = "pending"
	StatusRunning   Status = "running"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
	StatusCancelled Status = "cancelled"
)

// AllStatuses lists every status in lifecycle order.
var AllStatuses = []Status{StatusQueued, StatusUploading, StatusPending, StatusRunning, StatusCompleted, StatusFailed, StatusCancelled}

// Final reports whether no further transition can leave s.
func (s Status) Final() bool {
	return s == StatusCompleted || s == StatusFailed || s == StatusCancelled
}

// Rank orders statuses along the lifecycle; every final status shares the
// highest rank. A transition never lowers the rank, which is what makes a
// webhook and a poll racing for the same job give one completion.
func (s Status) Rank() int {
	switch s {
	case StatusQueued:
		return 0
	case StatusUploading:
		return 1
	case StatusPending:
		return 2
	case StatusRunning:
		return 3
	case StatusCompleted, StatusFailed, StatusCancelled:
		return 4
	}
	return -1
}

// Valid reports whether s is one of the contract's statuses.
func (s Status) Valid() bool { return s.Rank() >= 0 }

// Kind is the Reducto operation a job runs. The kinds are registered in
// kind_*.go (see KindSpec).
type Kind string

// WebhookMode says how Reducto tells us a job ended.
type WebhookMode string

// The webhook modes of the contract. None means the engine polls.
const (
	WebhookNone   WebhookMode = "none"
	WebhookSvix   WebhookMode = "svix"
	WebhookDirect WebhookMode = "direct"
)

// Valid reports whether m is none, svix or direct.
func (m WebhookMode) Valid() bool { return m == WebhookNone || m == WebhookSvix || m == WebhookDirect }

// Options are the settings a document is submitted with. They are stored
// with each job (as JSON) so that Retry and crash recovery resubmit exactly
// what the user chose.
type Options struct {
	Kind     Kind            `json:"kind"`
	Webhook  WebhookMode     `json:"webhook"`
	Channels []string        `json:"channels,omitempty"`
	Metadata json.RawMessage `json:"metadata,omitempty"` // a JSON object, or empty
	Priority bool            `json:"priority,omitempty"`

	Parse   ParseOptions   `json:"parse,omitempty"`
	Extract ExtractOptions `json:"extract,omitempty"`
	Split   SplitOptions   `json:"split,omitempty"`
	Edit    EditOptions    `json:"edit,omitempty"`
	// Classify holds the form's categories (kind_classify.go).
	Classify ClassifyOptions `json:"classify,omitempty"`

	// Request holds Reducto request fields with the API's own names and
	// nesting (a preset's "request"), merged into the request the form
	// options build, so every option the API has is reachable. The app
	// sets "input" and "async" itself.
	Request json.RawMessage `json:"request,omitempty"`
	// Outputs says whether results are written beside the document.
	Outputs OutputRule `json:"outputs,omitempty"`
	// Then names an extract or split preset to run on this parse's result
	// (jobid://), once it completes.
	Then string `json:"then,omitempty"`
	// Routes maps a classify job's categories to the presets run on the
	// document once it is classified (a classify preset's "routes").
	Routes map[string]string `json:"routes,omitempty"`

	// Origin: where the submission came from, kept in the history.
	Source   Source `json:"source,omitempty"`
	Preset   string `json:"preset,omitempty"`    // the preset's name, if any
	ParentID int64  `json:"parent_id,omitempty"` // the parse a chained job ran on, or the classify that routed it
	// Category is the category a routed job was sent on for.
	Category string `json:"category,omitempty"`
	// From is Reducto's job id of the parse a chained job runs on: the
	// job is submitted with input "jobid://<From>" and nothing is uploaded.
	// Set whether or not the parse is in this history (ParentID).
	From string `json:"from,omitempty"`
}

// ClearForm drops every kind's form options (the fields above beside
// Parse), as applying a preset does: its request says all it wants sent.
// A kind's form options are its field here and its line below.
func (o *Options) ClearForm() {
	o.Parse, o.Extract, o.Split = ParseOptions{}, ExtractOptions{}, SplitOptions{}
	o.Edit, o.Classify = EditOptions{}, ClassifyOptions{}
}

// Source says what started a job (contract: jobs --json "source").
type Source string

// The sources of jobs.
const (
	SourceDrop  Source = "drop"  // dropped on the window, or Add files
	SourceCLI   Source = "cli"   // the command line, or handed over by a second launch
	SourceWatch Source = "watch" // a watched folder
	SourceChain Source = "chain" // run on a completed parse with jobid://
	SourceRoute Source = "route" // sent on by a classify preset's routes
)

// Valid reports whether s is one of the contract's sources.
func (s Source) Valid() bool {
	return s == SourceDrop || s == SourceCLI || s == SourceWatch || s == SourceChain || s == SourceRoute
}

// OutputRule says where a job's results are written.
type OutputRule string

// The output rules of presets.
const (
	OutputsNone   OutputRule = "none"   // only in the history
	OutputsBeside OutputRule = "beside" // invoice.parse.md etc. next to the document
)

// ParseOptions are the essential parse settings the submit form offers.
type ParseOptions struct {
	PageStart   int    `json:"page_start,omitempty"`   // 1-based; 0 = from the first page
	PageEnd     int    `json:"page_end,omitempty"`     // inclusive; 0 = to the last page
	TableFormat string `json:"table_format,omitempty"` // html|json|md|jsonbbox|dynamic|csv; empty = Reducto's default
	ChunkMode   string `json:"chunk_mode,omitempty"`   // variable|section|page|disabled|block|page_sections
}

// ExtractOptions are the instructions of an extract job.
type ExtractOptions struct {
	Schema       json.RawMessage `json:"schema,omitempty"` // a JSON Schema object
	SystemPrompt string          `json:"system_prompt,omitempty"`
}

// SplitOptions describe how a split job partitions a document.
type SplitOptions struct {
	Descriptions []SplitDescription `json:"descriptions,omitempty"`
	Rules        string             `json:"rules,omitempty"`
}

// SplitDescription names one kind of section a split job looks for.
type SplitDescription struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Job is one document's submission as the history keeps it.
type Job struct {
	ID          int64  // local id, assigned by the store
	JobID       string // Reducto's job id; empty before submission
	File        string // absolute path of the document
	Kind        Kind   //
	Status      Status //
	Webhook     WebhookMode
	ClientRef   string     // UUID sent in async.metadata to find the job again after a crash
	Options     Options    // what it was submitted with
	Error       string     // why it failed; empty otherwise
	Size        int64      // bytes of the document
	Pages       int        // pages Reducto reported, once known
	StudioLink  string     // Reducto Studio link, once known
	RetryOf     int64      // local id of the job this one retries; 0 if none
	Source      Source     // what started it; "" for jobs older than sources
	Preset      string     // the preset it was submitted with; "" if none
	ParentID    int64      // the parse a chained job ran on, or the classify that routed it; 0 if none
	Category    string     // a classify job's category, and a routed job's; "" if none
	Outputs     []string   // absolute paths of the result files written for it
	Credits     *float64   // credits Reducto charged, once known
	CreatedAt   time.Time  //
	UpdatedAt   time.Time  //
	CompletedAt *time.Time // set when the job reaches a final status
}

// Transition is one recorded status change of a job, for the detail view's
// timeline.
type Transition struct {
	JobID  int64
	From   Status
	To     Status
	At     time.Time
	Detail string
}

// Delivery is a verified webhook as the receiver hands it to the engine.
type Delivery struct {
	ID       string          // svix-id / webhook-id, or "direct:<job_id>:<status>"
	JobID    string          // Reducto's job id
	Status   string          // Reducto's status word, e.g. "Completed" or "Failed"
	Metadata json.RawMessage // what the job was submitted with in async.metadata
	Source   WebhookMode     // svix or direct
}
