package jobs

import "errors"

// ErrUnknownJob is returned by HandleWebhook for a delivery about a job this
// install never submitted.
var ErrUnknownJob = errors.New("unknown job")

// EventKind tells what an Event reports.
type EventKind int

// The kinds of engine events.
const (
	EventAdded    EventKind = iota + 1 // a job was created (queued)
	EventChanged                       // a job's status or fields changed
	EventProgress                      // upload bytes or running progress moved
)

// Event is what subscribers (UI, notifier) receive.
type Event struct {
	Kind EventKind
	Job  Job
	// Upload progress (EventProgress while uploading).
	Sent, Total int64
	// Progress of a running job in [0,1], or -1 when unknown.
	Progress float64
	// Note is a passing state worth showing beside the status, e.g.
	// "waiting for the API (503), next try in 20 s" or a history write
	// that failed and is being retried; empty when there is none (a later
	// event with an empty Note clears an earlier one).
	Note string
	// Account marks an account job (AccountJob.AsJob): one this install
	// did not submit, seen while account monitoring is on. Job.ID is then
	// the account row's id, not a history id.
	Account bool
}

// Stats is a snapshot of the engine for /healthz and the tray.
type Stats struct {
	InFlight int // jobs not final
}
