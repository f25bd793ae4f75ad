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
}

// Stats is a snapshot of the engine for /healthz and the tray.
type Stats struct {
	InFlight int // jobs not final
}
