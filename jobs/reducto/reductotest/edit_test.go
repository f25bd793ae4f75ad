package reductotest

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// formValues reads a PDF's text fields by name.
func formValues(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	v, err := FormValues(pdf)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEditValidatesTheLegacyShape: like the real API, a missing
// document_url or edit_instructions is a 422 naming the field, and a
// webhook mode outside disabled/svix/direct too.
func TestEditValidatesTheLegacyShape(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1})
	for body, field := range map[string]string{
		`{"edit_instructions":"Name: Ada"}`:                                                         "document_url",
		`{"document_url":"https://e.com/f.pdf"}`:                                                    "edit_instructions",
		`{"document_url":"https://e.com/f.pdf","edit_instructions":7}`:                              "edit_instructions",
		`{"document_url":"https://e.com/f.pdf","edit_instructions":"x","webhook":{"mode":"email"}}`: "webhook",
		`{"document_url":"https://e.com/f.pdf","edit_instructions":"x","form_schema":{}}`:           "form_schema",
	} {
		code, b, _ := call(t, s, http.MethodPost, "/edit_async", body)
		if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"`+field+`"`) {
			t.Errorf("%s: %d %s, want 422 about %s", body, code, b, field)
		}
	}
}

// TestEditFillsARealForm: an uploaded AcroForm is filled from "Field:
// value" lines, the job runs and notifies (direct, with the metadata from
// webhook.metadata), its result is an EditResponse whose presigned-style
// link serves the filled PDF, GET /jobs' raw_config carries the metadata
// where the client looks, and a PDF without a form comes back unchanged.
func TestEditFillsARealForm(t *testing.T) {
	rc := newReceiver(t, "", func(int) int { return 200 })
	s := newTest(t, Config{JobRateLimit: -1})
	form, err := FormPDF("Registration", "Name", "City", "Member number")
	if err != nil {
		t.Fatal(err)
	}
	fileID := uploadBytes(t, s, "form.pdf", form)
	id := submit(t, s, "edit", map[string]any{
		"document_url":      fileID,
		"edit_instructions": "Name: Ada Lovelace\ncity = London; member_number: 1815\nColour: blue",
		"priority":          true,
		"webhook":           map[string]any{"mode": "direct", "url": rc.srv.URL + "/hook", "metadata": map[string]any{"reducto_tray_ref": "r-9"}},
	})
	j, _ := pollUntilTerminal(t, s, id)
	if j.Status != "Completed" || j.Type != "Edit" {
		t.Fatalf("job %s: %s (%s)", id, j.Status, j.Type)
	}
	var res struct {
		ResponseType string      `json:"response_type"`
		DocumentURL  string      `json:"document_url"`
		FormSchema   []simWidget `json:"form_schema"`
		Usage        simUsage    `json:"usage"`
	}
	decode(t, j.Result, &res)
	if res.ResponseType != "edit" || !strings.HasPrefix(res.DocumentURL, s.URL+"/presigned/edited/") || len(res.FormSchema) != 3 || res.Usage.NumPages == 0 {
		t.Fatalf("result %s", j.Result)
	}
	resp, err := http.Get(res.DocumentURL) // no API key, as a presigned URL
	if err != nil {
		t.Fatal(err)
	}
	filled, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET the filled document: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	got := formValues(t, filled)
	if got["Name"] != "Ada Lovelace" || got["City"] != "London" || got["Member number"] != "1815" {
		t.Errorf("filled form = %v", got)
	}
	if err := s.WaitFor(10*time.Second, func() bool { return len(rc.receipts()) > 0 }); err != nil {
		t.Fatal("no direct webhook")
	}
	var p reducto.WebhookPayload
	decode(t, rc.receipts()[0].body, &p)
	if p.JobID != id || p.Status != "Completed" || !strings.Contains(string(p.Metadata), `"r-9"`) {
		t.Errorf("webhook payload %s", rc.receipts()[0].body)
	}
	_, b, _ := call(t, s, http.MethodGet, "/jobs", nil)
	var page reducto.JobsPage
	decode(t, b, &page)
	found := false
	for _, lj := range page.Jobs {
		if lj.JobID == id {
			found = strings.Contains(string(lj.AsyncMetadata()), `"r-9"`)
		}
	}
	if !found {
		t.Errorf("GET /jobs does not show the edit's metadata where the client reads it: %s", b)
	}

	// A PDF without a form: the document comes back as it was.
	plain := bytes.Replace(form, []byte("/AcroForm"), []byte("/NoAcroFm"), 1)
	if plainValues, err := api.ExportForm(bytes.NewReader(plain), "p.pdf", nil); err == nil && len(plainValues.Forms) > 0 && len(plainValues.Forms[0].TextFields) > 0 {
		t.Skip("could not make a formless variant of the fixture")
	}
	id2 := submit(t, s, "edit", map[string]any{"document_url": uploadBytes(t, s, "plain.pdf", plain), "edit_instructions": "Name: Ada"})
	j2, _ := pollUntilTerminal(t, s, id2)
	decode(t, j2.Result, &res)
	resp, err = http.Get(res.DocumentURL)
	if err != nil {
		t.Fatal(err)
	}
	same, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if j2.Status != "Completed" || !bytes.Equal(same, plain) || len(res.FormSchema) != 0 {
		t.Errorf("formless: %s, %d bytes (want the %d sent back), widgets %v", j2.Status, len(same), len(plain), res.FormSchema)
	}
}

// TestFormPDFIsABlankForm: the fixture generator makes real, empty text
// fields named as asked.
func TestFormPDFIsABlankForm(t *testing.T) {
	b, err := FormPDF("T", "A", "B")
	if err != nil {
		t.Fatal(err)
	}
	if got := formValues(t, b); len(got) != 2 || got["A"] != "" || got["B"] != "" {
		t.Errorf("fields %v", got)
	}
}
