package jobs

import (
	"io"
	"time"
)

// jsonJob is one element of `reducto-tray jobs --json`: the contract's keys,
// spelled and typed exactly, plus a few extras scripts find useful.
type jsonJob struct {
	ID          int64    `json:"id"`
	JobID       string   `json:"job_id"`
	File        string   `json:"file"`
	Kind        Kind     `json:"kind"`
	Status      Status   `json:"status"`
	Webhook     string   `json:"webhook"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	CompletedAt *string  `json:"completed_at"`
	Error       *string  `json:"error"`
	RetryOf     *int64   `json:"retry_of"`
	Source      *string  `json:"source"`
	Preset      *string  `json:"preset"`
	ParentID    *int64   `json:"parent_id"`
	Category    *string  `json:"category"`
	Outputs     []string `json:"outputs"`
	Pages       *int     `json:"pages"`
	Credits     *float64 `json:"credits"`
	StudioLink  string   `json:"studio_link"`
}

// WriteJSON prints js (newest first, as given) as the JSON array of
// `reducto-tray jobs --json`. completed_at, error and retry_of are null when
// unset; an empty history prints []. A history read page by page goes
// through a JSONArrayWriter instead, which writes the same bytes.
func WriteJSON(w io.Writer, js []Job) error {
	a := NewJSONArrayWriter(w)
	if err := a.Write(js); err != nil {
		return err
	}
	return a.Close()
}

// jsonOf is j as an element of `reducto-tray jobs --json`.
func jsonOf(j Job) jsonJob {
	webhook := string(j.Webhook)
	if webhook == "" {
		webhook = string(WebhookNone)
	}
	o := jsonJob{
		ID:         j.ID,
		JobID:      j.JobID,
		File:       j.File,
		Kind:       j.Kind,
		Status:     j.Status,
		Webhook:    webhook,
		CreatedAt:  rfc3339(j.CreatedAt),
		UpdatedAt:  rfc3339(j.UpdatedAt),
		Outputs:    j.Outputs,
		Credits:    j.Credits,
		StudioLink: j.StudioLink,
	}
	if j.CompletedAt != nil {
		s := rfc3339(*j.CompletedAt)
		o.CompletedAt = &s
	}
	if j.Error != "" {
		e := j.Error
		o.Error = &e
	}
	if j.RetryOf != 0 {
		r := j.RetryOf
		o.RetryOf = &r
	}
	if o.Outputs == nil {
		o.Outputs = []string{}
	}
	o.Source = nonEmpty(string(j.Source))
	o.Preset = nonEmpty(j.Preset)
	o.Category = nonEmpty(j.Category)
	if j.ParentID != 0 {
		p := j.ParentID
		o.ParentID = &p
	}
	if j.Pages > 0 {
		p := j.Pages
		o.Pages = &p
	}
	return o
}

// nonEmpty is nil for "", so the contract's null.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
