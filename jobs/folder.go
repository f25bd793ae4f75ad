package jobs

import "time"

// WatchFolder is a folder whose new documents are submitted by themselves
// (Settings' list, or --watch for one run).
type WatchFolder struct {
	// Path is the folder, absolute.
	Path string `json:"path"`
	// Preset names the preset its documents are submitted with; "" = the
	// saved defaults.
	Preset string `json:"preset,omitempty"`
	// Recursive also watches its subfolders.
	Recursive bool `json:"recursive"`
	// MoveOriginals moves a document into processed/ after success and
	// into failed/ after its last failed attempt; otherwise it stays.
	MoveOriginals bool `json:"move_originals,omitempty"`
	// Paused stops submitting from it until resumed.
	Paused bool `json:"paused,omitempty"`
}

// FolderState is what a watched folder is doing.
type FolderState string

// The states of a watched folder.
const (
	FolderWatching FolderState = "watching"
	FolderScanning FolderState = "scanning"
	FolderPaused   FolderState = "paused"
	FolderError    FolderState = "error" // missing, no permission: Err says
)

// FolderStatus is a watched folder's state and counts, for the Settings
// list and the tray.
type FolderStatus struct {
	Folder WatchFolder
	// Session says the folder is watched for this run only (--watch).
	Session bool
	State   FolderState
	Err     string // why State is FolderError
	// LastFailure names the newest file given up on and why ("" if none).
	LastFailure string
	// Waiting counts documents found but not yet submitted (settling or
	// waiting for a retry), Running those submitted and not final.
	Waiting, Running int
	// DoneToday and FailedToday count outcomes since local midnight;
	// Failed counts documents that gave up after their last retry.
	DoneToday, FailedToday, Failed int
	// LastScan is when the folder was last scanned in full.
	LastScan time.Time
}

// ExistingDocs is what a folder about to be watched already holds.
type ExistingDocs struct {
	// New is true when the folder (with its preset) was never watched:
	// only then would its first scan submit what is in it.
	New bool
	// Files and Bytes count the documents in it (by name), and their size.
	Files int
	Bytes int64
}
