package reductotest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// editKeepBytes bounds an uploaded PDF the simulator keeps for edit jobs,
// and editKeptBytes all of them together (the oldest are forgotten
// first): a long sandbox session stays small, and an edit of a document
// no longer kept answers as one of a document without a form.
const (
	editKeepBytes = 16 << 20
	editKeptBytes = 64 << 20
)

// editBody is the legacy AsyncEditConfig as the simulator validates it.
type editBody struct {
	DocumentURL      json.RawMessage      `json:"document_url"`
	EditInstructions json.RawMessage      `json:"edit_instructions"`
	EditOptions      json.RawMessage      `json:"edit_options"`
	FormSchema       json.RawMessage      `json:"form_schema"`
	Priority         *bool                `json:"priority"`
	Webhook          *reducto.EditWebhook `json:"webhook"`
}

func init() {
	registerKind("edit", simKind{
		typ: "Edit",
		routes: func(s *Server, m *http.ServeMux) {
			m.HandleFunc("POST /edit_async", s.handleEdit)
			m.HandleFunc("GET /presigned/edited/{id}", s.handleEdited)
		},
		result:    func(s *Server, j *job) any { return s.editResultLocked(j) },
		otherBody: otherEditBody,
	})
}

// otherEditBody is an edit in its legacy shape: the document is
// document_url, and the metadata travels inside the webhook.
func otherEditBody(input string, async reducto.AsyncConfig) map[string]any {
	wh := reducto.EditWebhook{Mode: "disabled", Metadata: async.Metadata}
	if async.Webhook != nil {
		wh.Mode, wh.Channels = async.Webhook.Mode, async.Webhook.Channels
	}
	return map[string]any{"document_url": input, "edit_instructions": "Name: Ada", "webhook": wh}
}

// handleEdit implements POST /edit_async in its legacy shape: the
// document is document_url, the webhook (with the metadata inside it) and
// priority are top-level. Like the real API it answers 422 for a missing
// document_url or edit_instructions. The form is filled at submission
// (fillForm) and served once the job completes at a presigned-style URL.
func (s *Server) handleEdit(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		writeDetail(w, http.StatusRequestEntityTooLarge, "Request body too large")
		return
	}
	var compact bytes.Buffer
	var body editBody
	if err := json.Compact(&compact, raw); err != nil || json.Unmarshal(raw, &body) != nil {
		writeValidation(w, fieldError{Loc: []any{"body", 0}, Msg: "JSON decode error", Type: "json_invalid"})
		return
	}
	var errs []fieldError
	var input, instructions string
	if isNull(body.DocumentURL) {
		errs = append(errs, fieldError{Loc: []any{"body", "document_url"}, Msg: "Field required", Type: "missing"})
	} else if json.Unmarshal(body.DocumentURL, &input) != nil {
		var up reducto.Upload
		if json.Unmarshal(body.DocumentURL, &up) != nil || up.FileID == "" {
			errs = append(errs, fieldError{Loc: []any{"body", "document_url"}, Msg: "Input should be a valid string", Type: "string_type"})
		}
		input = up.FileID
	}
	if isNull(body.EditInstructions) {
		errs = append(errs, fieldError{Loc: []any{"body", "edit_instructions"}, Msg: "Field required", Type: "missing"})
	} else if json.Unmarshal(body.EditInstructions, &instructions) != nil {
		errs = append(errs, fieldError{Loc: []any{"body", "edit_instructions"}, Msg: "Input should be a valid string", Type: "string_type"})
	}
	if !isNull(body.EditOptions) && (len(body.EditOptions) == 0 || body.EditOptions[0] != '{') {
		errs = append(errs, fieldError{Loc: []any{"body", "edit_options"}, Msg: "Input should be a valid dictionary or object", Type: "model_attributes_type"})
	}
	if !isNull(body.FormSchema) && (len(body.FormSchema) == 0 || body.FormSchema[0] != '[') {
		errs = append(errs, fieldError{Loc: []any{"body", "form_schema"}, Msg: "Input should be a valid list", Type: "list_type"})
	}
	var async reducto.AsyncConfig
	if wh := body.Webhook; wh != nil {
		async.Metadata = wh.Metadata
		switch {
		case wh.Mode != "disabled" && wh.Mode != "svix" && wh.Mode != "direct":
			errs = append(errs, fieldError{Loc: []any{"body", "webhook", "mode"}, Msg: "Input should be 'disabled', 'svix' or 'direct'", Type: "literal_error", Input: wh.Mode})
		case wh.Mode == "direct" && wh.URL == "":
			errs = append(errs, fieldError{Loc: []any{"body", "webhook", "url"}, Msg: "Field required", Type: "missing"})
		case wh.Mode != "disabled":
			async.Webhook = &reducto.WebhookConfig{Mode: wh.Mode, URL: wh.URL, Channels: wh.Channels}
		}
	}
	if len(errs) > 0 {
		writeValidation(w, errs...)
		return
	}
	sub := Submission{Kind: "edit", Input: input, Body: compact.Bytes()}
	var doc []byte
	s.mu.Lock()
	switch {
	case strings.HasPrefix(input, "reducto://"):
		f := s.state.files[input]
		if f == nil {
			s.mu.Unlock()
			writeAppError(w, http.StatusNotFound, "file_not_found", "File not found: "+input)
			return
		}
		sub.FileName, sub.FileSize, doc = f.Name, f.Size, f.data
	default:
		u, err := url.Parse(input)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			s.mu.Unlock()
			writeAppError(w, http.StatusBadRequest, "invalid_input", "document_url must be a reducto:// file id or an http(s) URL")
			return
		}
		sub.FileName = path.Base(u.Path)
	}
	s.mu.Unlock()
	// pdfcpu's work is done outside the lock: other requests go on.
	filled, widgets := fillForm(doc, instructions)
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.createJobLocked(sub, async, "", s.clk.Now())
	s.keepEditedLocked(j.ID, editOutcome{filled: filled, widgets: widgets})
	writeJSON(w, http.StatusOK, reducto.AsyncResponse{JobID: j.ID})
}

// isNull reports a JSON value that is absent or null.
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// editOutcome is an edit job's filled document (nil: none could be made)
// and the form's widgets as the result's form_schema. Not persisted: a
// restarted sandbox serves older edits' links as expired (403).
type editOutcome struct {
	filled  []byte
	widgets []simWidget
}

// simEditResponse is Reducto's EditResponse.
type simEditResponse struct {
	ResponseType string      `json:"response_type"`
	DocumentURL  string      `json:"document_url"`
	FormSchema   []simWidget `json:"form_schema"`
	Usage        simUsage    `json:"usage"`
}

// editResultLocked is a completed edit's result: a presigned-style link to
// the filled document on the simulator itself.
func (s *Server) editResultLocked(j *job) simEditResponse {
	credits := float64(j.Pages) * 4
	return simEditResponse{
		ResponseType: "edit",
		DocumentURL:  s.baseURL() + "/presigned/edited/" + j.ID + "?X-Amz-Expires=3600&X-Amz-Signature=" + j.ID[:8],
		FormSchema:   s.state.edited[j.ID].widgets,
		Usage:        simUsage{NumPages: j.Pages, Credits: &credits},
	}
}

// handleEdited serves an edit's filled document, without the API key as a
// presigned S3 URL does; unknown (or not yet completed, or from before a
// restart) answers 403 as an expired one does.
func (s *Server) handleEdited(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	out := s.state.edited[id]
	j := s.state.jobs[id]
	done := j != nil && j.Final == reducto.JobCompleted
	s.mu.Unlock()
	if !done || out.filled == nil {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "<Error><Code>AccessDenied</Code></Error>")
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	_, _ = w.Write(out.filled)
}

// keepDocLocked keeps an uploaded PDF's bytes for edit jobs, within
// editKeepBytes each and editKeptBytes in all (oldest forgotten first).
func (s *Server) keepDocLocked(f *fileRec, data []byte) {
	if len(data) > editKeepBytes || !bytes.HasPrefix(data, []byte("%PDF-")) {
		return
	}
	f.data = data
	for _, id := range s.state.kept.add(f.ID, len(data)) {
		if old := s.state.files[id]; old != nil {
			old.data = nil
		}
	}
}

// keepEditedLocked keeps an edit's outcome, its filled documents within
// editKeptBytes in all (the oldest links then answer as expired ones).
func (s *Server) keepEditedLocked(id string, out editOutcome) {
	s.state.edited[id] = out
	for _, old := range s.state.filled.add(id, len(out.filled)) {
		delete(s.state.edited, old)
	}
}

// bytesFIFO is a bounded memory of byte slices by id, oldest first.
type bytesFIFO struct {
	ids   []string
	sizes []int
	total int
}

// add notes id's n bytes and returns the ids to forget, oldest first,
// until the total is within editKeptBytes (the newest always stays).
func (q *bytesFIFO) add(id string, n int) (forget []string) {
	q.ids, q.sizes = append(q.ids, id), append(q.sizes, n)
	q.total += n
	for q.total > editKeptBytes && len(q.ids) > 1 {
		forget = append(forget, q.ids[0])
		q.total -= q.sizes[0]
		q.ids, q.sizes = q.ids[1:], q.sizes[1:]
	}
	return forget
}
