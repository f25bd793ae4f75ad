package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/intake"
)

// statusPasswordRequired is Reducto's answer for a password-protected PDF
// sent without (or with a wrong) settings.document_password.
const statusPasswordRequired = 442

// passwordDetail says what to do about a protected document; it names the
// file and never the password.
func passwordDetail(job jobs.Job, msg string) string {
	if withPasswordRef(job) {
		return fmt.Sprintf("Reducto did not accept the password for this document (%s)", msg)
	}
	return fmt.Sprintf("the document is password-protected; give its password to submit it again (%s)", msg)
}

// withPasswordRef reports whether job was submitted with a password: its
// client reference carries the mark below, never the password itself.
func withPasswordRef(job jobs.Job) bool {
	return strings.HasPrefix(job.ClientRef, passwordRefPrefix)
}

// passwordRefPrefix marks the client reference of a resubmission that
// carried a password, so a second refusal can say the password was wrong.
const passwordRefPrefix = "pw-"

// SubmitWithPassword submits the document of job id again, as a new job
// linked to it (like Retry), with settings.document_password. The password
// lives in memory only, until the submission is answered: it is never
// written to the history (the options), the log, a preset or the result.
// A crash before the answer leaves the new job failing with "password
// required" again on the next start, which asks once more.
func (e *Engine) SubmitWithPassword(ctx context.Context, id int64, password string) (jobs.Job, error) {
	if password == "" {
		return jobs.Job{}, errors.New("submit with a password: the password is empty")
	}
	old, err := e.store.Get(ctx, id)
	if err != nil {
		return jobs.Job{}, fmt.Errorf("submit job %d with a password: %w", id, err)
	}
	if old.Failure() != jobs.FailurePasswordRequired {
		return jobs.Job{}, fmt.Errorf("submit job %d with a password: it did not fail for want of one", id)
	}
	if old.Options.From == "" {
		if _, _, err := intake.CheckFile(old.File); err != nil {
			return jobs.Job{}, fmt.Errorf("submit job %d with a password: %w", id, err)
		}
	}
	created, err := e.store.Create(ctx, []jobs.Job{{
		File: old.File, Kind: old.Kind, Status: jobs.StatusQueued, Webhook: old.Webhook,
		ClientRef: passwordRefPrefix + uuid.NewString(), Options: old.Options, Size: old.Size, RetryOf: old.ID,
	}})
	if err != nil {
		return jobs.Job{}, fmt.Errorf("submit job %d with a password: %w", id, err)
	}
	job := created[0]
	e.chain.mu.Lock()
	if e.chain.passwords == nil {
		e.chain.passwords = make(map[int64]string)
	}
	e.chain.passwords[job.ID] = password
	e.chain.mu.Unlock()
	e.launch(job)
	return job, nil
}

// passwordOf returns the password held for job id, if any.
func (e *Engine) passwordOf(id int64) string {
	e.chain.mu.Lock()
	defer e.chain.mu.Unlock()
	return e.chain.passwords[id]
}

// forgetPassword drops the password of job id once its submission is
// answered either way.
func (e *Engine) forgetPassword(id int64) {
	e.chain.mu.Lock()
	delete(e.chain.passwords, id)
	e.chain.mu.Unlock()
}

// withPassword returns the raw request fields with
// settings.document_password set, for the one request that needs it.
func withPassword(raw json.RawMessage, password string) (json.RawMessage, error) {
	top := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &top); err != nil {
			return nil, fmt.Errorf("request: %w", err)
		}
	}
	settings := map[string]json.RawMessage{}
	if s, ok := top["settings"]; ok && len(bytes.TrimSpace(s)) > 0 && string(s) != "null" {
		if err := json.Unmarshal(s, &settings); err != nil {
			return nil, fmt.Errorf("request settings: %w", err)
		}
	}
	pw, _ := json.Marshal(password)
	settings["document_password"] = pw
	s, err := json.Marshal(settings)
	if err != nil {
		return nil, err
	}
	top["settings"] = s
	return json.Marshal(top)
}
