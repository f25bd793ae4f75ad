package main

import (
	"context"
	"encoding/json"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// editJobID is the canned edit job: a blank form filled by the simulator.
const editJobID = 5

// editInstructions fill the canned form.
const editInstructions = "Full name: Ada Lovelace\nDate of birth: 10 December 1815\nCity: London\nEmail: ada@analytical.engine"

// longForm makes the canned edit the three-page form of editlong.go (the
// "editlong" view) instead of the one-page library card.
var longForm bool

// addEditJob writes a blank form and its filled copy into dir and adds a
// completed edit of it to b.
func (b *cannedBackend) addEditJob(dir string) {
	form, err := reductotest.FormPDF("Library card application", "Full name", "Date of birth", "City", "Email")
	if err != nil {
		log.Fatal(err)
	}
	name, instructions, pages := "library card", editInstructions, 1
	if longForm {
		form, name, instructions, pages = longFormPDF(), "visa application", longFormInstructions(), len(longFormPages)
	}
	b.editForm = filepath.Join(dir, name+".pdf")
	b.editFilled = filepath.Join(dir, "filled", name+".edit.pdf")
	if err := os.MkdirAll(filepath.Dir(b.editFilled), 0o700); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(b.editForm, form, 0o600); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(b.editFilled, reductotest.FillForm(form, instructions), 0o600); err != nil {
		log.Fatal(err)
	}
	now := time.Now()
	done := now.Add(-30 * time.Second)
	credits := 4.0
	b.jobs = append([]jobs.Job{{ID: editJobID, JobID: "9b2d7f4e-1c3a-4e8b-a5d6-0f7e8c9b1a2d", File: b.editForm, Kind: jobs.KindEdit,
		Status: jobs.StatusCompleted, Webhook: jobs.WebhookNone, Size: int64(len(form)), Pages: pages, Credits: &credits, Source: jobs.SourceDrop,
		Options:   jobs.Options{Kind: jobs.KindEdit, Source: jobs.SourceDrop, Edit: jobs.EditOptions{Instructions: instructions}},
		CreatedAt: now.Add(-40 * time.Second), UpdatedAt: done, CompletedAt: &done}}, b.jobs...)
}

// editResult is the canned edit's EditResponse.
func editResult() []byte {
	schema, pages := []map[string]string{
		{"type": "text", "description": "Full name", "value": "Ada Lovelace"},
		{"type": "text", "description": "Date of birth", "value": "10 December 1815"},
		{"type": "text", "description": "City", "value": "London"},
		{"type": "text", "description": "Email", "value": "ada@analytical.engine"},
	}, 1
	if longForm {
		schema, pages = longFormSchema(), len(longFormPages)
	}
	res, _ := json.Marshal(map[string]any{
		"response_type": "edit", "document_url": "https://reducto-results.s3.amazonaws.com/edit/form.pdf?X-Amz-Expires=3600",
		"form_schema": schema, "usage": map[string]any{"num_pages": pages, "credits": 4},
	})
	return res
}

// Document is the canned edit's filled document.
func (b *cannedBackend) Document(context.Context, int64) ([]byte, error) {
	return os.ReadFile(b.editFilled)
}

// FilledDocumentPath is where the canned edit's filled document is.
func (b *cannedBackend) FilledDocumentPath(context.Context, int64) (string, error) {
	return b.editFilled, nil
}
