package jobs

import (
	"io"
	"time"
)

// jsonJob is one element of `reducto-tray jobs --json`: the contract's keys,
// spelled and typed exactly, plus a few extras scripts find useful.
type jsonJob struct {
	ID          int64   `json:"id"`
	JobID       string  `json:"job_id"`
	File        string  `json:"file"`
	Kind        Kind    `json:"kind"`
	Status      Status  `json:"status"`
	Webhook     string  `json:"webhook"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	CompletedAt *string `json:"completed_at"`
	Error       *string `json:"error"`
	RetryOf     *int64  `json:"retry_of"`
	Pages       int     `json:"pages"`
	StudioLink  string  `json:"studio_link"`
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
		Pages:      j.Pages,
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
	return o
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
