package jobs

// THIS FILE IS A STUB so that the other packages compile; the store helper
// replaces it with the real SQLite store (keep the signatures).

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when no row matches.
var ErrNotFound = errors.New("not found")

// Store is the SQLite history.
type Store struct{}

// Query selects jobs for listing and search.
type Query struct {
	Statuses []Status // any of these; empty = all
	Kind     Kind     // empty = all
	Search   string   // case-insensitive substring of the file's base name
	Since    time.Time
	Until    time.Time
	BeforeID int64 // keyset paging: only ids below this; 0 = from the newest
	Limit    int   // 0 = 100
}

// Patch is what a transition changes besides the status.
type Patch struct {
	JobID      *string
	Error      *string
	Pages      *int
	StudioLink *string
	Result     []byte // stored compressed, outside the listing rows
	Detail     string // shown in the timeline
}

// OpenStore opens (creating and migrating) the database at path.
func OpenStore(path string) (*Store, error) { return nil, errors.New("stub") }

// OpenStoreReadOnly opens an existing database for reading while the app runs.
func OpenStoreReadOnly(path string) (*Store, error) { return nil, errors.New("stub") }

// Close closes the database.
func (s *Store) Close() error { return nil }

// Create inserts queued jobs in one transaction and returns them with ids.
func (s *Store) Create(ctx context.Context, js []Job) ([]Job, error) { return nil, errors.New("stub") }

// Update moves job id to status to, applying p, in one transaction.
func (s *Store) Update(ctx context.Context, id int64, to Status, p Patch) (Job, bool, error) {
	return Job{}, false, errors.New("stub")
}

// Get returns job id.
func (s *Store) Get(ctx context.Context, id int64) (Job, error) { return Job{}, ErrNotFound }

// GetByJobID returns the job with Reducto job id jobID.
func (s *Store) GetByJobID(ctx context.Context, jobID string) (Job, error) {
	return Job{}, ErrNotFound
}

// List returns jobs matching q, newest first.
func (s *Store) List(ctx context.Context, q Query) ([]Job, error) { return nil, nil }

// Count returns how many jobs match q.
func (s *Store) Count(ctx context.Context, q Query) (int, error) { return 0, nil }

// Unfinished returns every job whose status is not final, oldest first.
func (s *Store) Unfinished(ctx context.Context) ([]Job, error) { return nil, nil }

// Result returns the decompressed result of job id.
func (s *Store) Result(ctx context.Context, id int64) ([]byte, error) { return nil, ErrNotFound }

// Timeline returns the transitions of job id, oldest first.
func (s *Store) Timeline(ctx context.Context, id int64) ([]Transition, error) { return nil, nil }

// RecordDeliveries records webhook delivery ids in one transaction;
// fresh[i] is false when ids[i] was seen before.
func (s *Store) RecordDeliveries(ctx context.Context, ids []string) (fresh []bool, err error) {
	return nil, errors.New("stub")
}
