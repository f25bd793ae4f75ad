package jobs

import (
	"encoding/json"
	"time"
)

// AccountJob is a job on the Reducto account that this install did not
// submit (another install, a script, the Studio), seen through a Svix
// delivery for the account or the GET /jobs listing while account
// monitoring is on. It is kept apart from the history (jobs/store keeps it
// in its own table), so it never appears in the plain job list.
type AccountJob struct {
	ID          int64           // local row id in the account table (not a history id)
	JobID       string          // Reducto's job id
	Kind        Kind            // "" when not known yet (a bare webhook)
	Status      Status          //
	Name        string          // what the job ran on: a URL's or upload's file name, else ""
	Channels    []string        // the Svix channels it was submitted with
	Webhook     WebhookMode     // how it asked to be told: none, svix or direct
	Metadata    json.RawMessage // its async.metadata, or nil
	Error       string          // why it failed; "" otherwise
	Pages       int             // pages, once known
	Credits     *float64        // credits charged, once known
	SeenVia     string          // "svix", "direct", "relay" or "list": how it was last seen
	CreatedAt   time.Time       // Reducto's creation time, else when first seen
	UpdatedAt   time.Time       // last change recorded here
	CompletedAt *time.Time      // when it was first seen final
}

// Label is how the job is named to a person: its document's name, else
// "job <first 8 characters of the id>".
func (a AccountJob) Label() string {
	if a.Name != "" {
		return a.Name
	}
	id := a.JobID
	if len(id) > 8 {
		id = id[:8]
	}
	return "job " + id
}

// AsJob is a as a Job for code that shows jobs (the notifier): File is the
// label and ID the account row's id, which only means something together
// with Event.Account.
func (a AccountJob) AsJob() Job {
	return Job{
		ID: a.ID, JobID: a.JobID, File: a.Label(), Kind: a.Kind, Status: a.Status,
		Webhook: a.Webhook, Error: a.Error, Pages: a.Pages, Credits: a.Credits,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, CompletedAt: a.CompletedAt,
	}
}

// Usage is pages and credits summed per local day, kind and preset, for the
// usage chart. Account jobs count under Origin "account" with no preset.
type Usage struct {
	Rows []UsageRow
}

// UsageRow is one (day, origin, kind, preset) group.
type UsageRow struct {
	Day     time.Time // local midnight
	Origin  string    // "local" or "account"
	Kind    Kind
	Preset  string
	Jobs    int
	Pages   int64
	Credits float64
}

// UsageDay is one day's totals.
type UsageDay struct {
	Day     time.Time
	Jobs    int
	Pages   int64
	Credits float64
}

// Days folds the rows into one total a day, oldest first, with every day
// from from to to (local midnights) present, zero where nothing ran.
func (u Usage) Days(from, to time.Time) []UsageDay {
	by := map[time.Time]*UsageDay{}
	var out []UsageDay
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, UsageDay{Day: d})
	}
	for i := range out {
		by[out[i].Day] = &out[i]
	}
	for _, r := range u.Rows {
		if d := by[r.Day]; d != nil {
			d.Jobs += r.Jobs
			d.Pages += r.Pages
			d.Credits += r.Credits
		}
	}
	return out
}

// By sums the rows by a key (kind, preset, origin), for the legend.
func (u Usage) By(key func(UsageRow) string) map[string]UsageDay {
	m := map[string]UsageDay{}
	for _, r := range u.Rows {
		k := key(r)
		d := m[k]
		d.Jobs += r.Jobs
		d.Pages += r.Pages
		d.Credits += r.Credits
		m[k] = d
	}
	return m
}

// Total sums every row.
func (u Usage) Total() UsageDay {
	var t UsageDay
	for _, r := range u.Rows {
		t.Jobs += r.Jobs
		t.Pages += r.Pages
		t.Credits += r.Credits
	}
	return t
}
