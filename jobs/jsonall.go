package jobs

import "fmt"

// The origins of `reducto-tray jobs --json --all` (contract).
const (
	OriginLocal   = "local"   // submitted by this install: in the history
	OriginAccount = "account" // another client's job on the account
)

// jsonAllJob is an element of `jobs --json --all`: the --json element
// plus origin. Its outer ID and File shadow the embedded ones (encoding/json
// prefers the shallower field), so an account job prints them as null.
type jsonAllJob struct {
	jsonJob
	ID       *int64    `json:"id"`
	File     *string   `json:"file"`
	Origin   string    `json:"origin"`
	Channels []string  `json:"channels,omitempty"`
	Metadata rawOrNull `json:"metadata,omitempty"`
}

// rawOrNull is a JSON value kept as written.
type rawOrNull []byte

// MarshalJSON writes the bytes as they are.
func (r rawOrNull) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// jsonAllOfLocal is a history job with origin "local".
func jsonAllOfLocal(j Job) jsonAllJob {
	id, file := j.ID, j.File
	return jsonAllJob{jsonJob: jsonOf(j), ID: &id, File: &file, Origin: OriginLocal}
}

// jsonAllOfAccount is an account job: no local id, no file, origin
// "account", with its channels and metadata.
func jsonAllOfAccount(a AccountJob) jsonAllJob {
	j := a.AsJob()
	j.File = ""
	o := jsonAllJob{jsonJob: jsonOf(j), Origin: OriginAccount, Channels: a.Channels, Metadata: rawOrNull(a.Metadata)}
	if o.jsonJob.Webhook == "" {
		o.jsonJob.Webhook = string(WebhookNone)
	}
	return o
}

// WriteLocal appends history jobs as elements of `jobs --json --all`.
func (a *JSONArrayWriter) WriteLocal(js []Job) error {
	for _, j := range js {
		if err := a.WriteValue(jsonAllOfLocal(j), fmt.Sprintf("job %d", j.ID)); err != nil {
			return err
		}
	}
	return nil
}

// WriteAccount appends account jobs as elements of `jobs --json --all`.
func (a *JSONArrayWriter) WriteAccount(as []AccountJob) error {
	for _, j := range as {
		if err := a.WriteValue(jsonAllOfAccount(j), "account job "+j.JobID); err != nil {
			return err
		}
	}
	return nil
}
