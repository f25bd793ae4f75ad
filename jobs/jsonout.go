package jobs

import (
	"encoding/json"
	"fmt"
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
// unset; an empty history prints [].
func WriteJSON(w io.Writer, js []Job) error {
	out := make([]jsonJob, len(js))
	for i, j := range js {
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
		out[i] = o
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// File names are data for scripts, not HTML: keep & < > readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write jobs as JSON: %w", err)
	}
	return nil
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
