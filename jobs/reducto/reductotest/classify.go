package reductotest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// defaultClassifyDelay is how long POST /classify takes to answer when
// Config.ClassifyDelay is zero: Reducto reads a few pages.
const defaultClassifyDelay = 300 * time.Millisecond

// classifyPages is how many pages a classify reads, as Reducto's default
// page_range (the first 5) does.
const classifyPages = 5

// classifyBody is the part of a classify request the simulator reads.
type classifyBody struct {
	Input                json.RawMessage                  `json:"input"`
	ClassificationSchema []reducto.ClassificationCategory `json:"classification_schema"`
}

func init() {
	registerKind("classify", simKind{
		routes: func(s *Server, m *http.ServeMux) { m.HandleFunc("POST /classify", s.handleClassify) },
	})
}

// handleClassify answers POST /classify synchronously, as Reducto does:
// after a short delay, with the first category one of whose criteria has
// all its words in the document's text (the first pages), else the last
// category. Injected faults and the rate limit apply as everywhere
// (middleware.go).
func (s *Server) handleClassify(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		writeDetail(w, http.StatusRequestEntityTooLarge, "Request body too large")
		return
	}
	var body classifyBody
	if err := json.Unmarshal(raw, &body); err != nil {
		writeValidation(w, fieldError{Loc: []any{"body", 0}, Msg: "JSON decode error", Type: "json_invalid"})
		return
	}
	var errs []fieldError
	var input string
	if len(body.Input) == 0 || string(body.Input) == "null" || string(body.Input) == `""` {
		errs = append(errs, fieldError{Loc: []any{"body", "input"}, Msg: "Field required", Type: "missing"})
	} else if json.Unmarshal(body.Input, &input) != nil {
		errs = append(errs, fieldError{Loc: []any{"body", "input"}, Msg: "Input should be a valid string", Type: "string_type"})
	}
	if len(body.ClassificationSchema) == 0 {
		errs = append(errs, fieldError{Loc: []any{"body", "classification_schema"}, Msg: "List should have at least 1 item", Type: "too_short"})
	}
	for i, c := range body.ClassificationSchema {
		if strings.TrimSpace(c.Category) == "" {
			errs = append(errs, fieldError{Loc: []any{"body", "classification_schema", i, "category"}, Msg: "Field required", Type: "missing"})
		}
	}
	if len(errs) > 0 {
		writeValidation(w, errs...)
		return
	}
	text, pages, status, msg := s.classifyText(input)
	if status != 0 {
		writeAppError(w, status, "invalid_input", msg)
		return
	}
	delay := s.cfg.ClassifyDelay
	if delay == 0 {
		delay = defaultClassifyDelay
	}
	if delay > 0 {
		select {
		case <-s.clk.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	category := classifyByCriteria(text, body.ClassificationSchema)
	credits := float64(pages)
	writeJSON(w, http.StatusOK, map[string]any{
		"response_type": "classify",
		"job_id":        uuid.NewString(),
		"result":        map[string]any{"category": category},
		"usage":         map[string]any{"num_pages": pages, "num_categories": len(body.ClassificationSchema), "credits": credits},
		"duration":      max(delay, 0).Seconds(),
	})
}

// classifyText is the text of a classify's document, its first pages as a
// parse of it would read them (the upload's real text when Config.Layout
// read it, else the made-up blocks), and how many pages were read; or an
// HTTP status and message for an input that names nothing.
func (s *Server) classifyText(input string) (text string, pages, status int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	doc := &job{ID: "classify"}
	switch {
	case strings.HasPrefix(input, "reducto://"):
		f := s.state.files[input]
		if f == nil {
			return "", 0, http.StatusNotFound, "File not found: " + input
		}
		doc.FileName, doc.Pages = f.Name, pageCount(Submission{FileSize: f.Size})
		if hasText(f.layout) {
			doc.Layout = f.layout
		}
	case strings.HasPrefix(input, "jobid://"):
		prev := s.lookupLocked(strings.TrimPrefix(input, "jobid://"), now)
		if prev == nil {
			return "", 0, http.StatusNotFound, "Job not found: " + input
		}
		doc.FileName, doc.Pages, doc.Layout = prev.FileName, prev.Pages, prev.Layout
	default:
		u, err := url.Parse(input)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", 0, http.StatusBadRequest, "Input must be a reducto:// file id, a jobid:// reference or an http(s) URL"
		}
		doc.FileName, doc.Pages = path.Base(u.Path), 3
	}
	chunks := makeChunks(doc, "md", "")
	if len(doc.Layout) > 0 {
		chunks = layoutChunks(doc.Layout)
	}
	chunks = chunks[:min(len(chunks), classifyPages)]
	parts := make([]string, len(chunks))
	for i, c := range chunks {
		parts[i] = c.Content
	}
	return strings.Join(parts, "\n"), len(chunks), 0, ""
}

// classifyByCriteria picks the first category one of whose criteria has
// every word in text (case-insensitive), else the last category.
func classifyByCriteria(text string, schema []reducto.ClassificationCategory) string {
	have := map[string]bool{}
	for _, w := range words(text) {
		have[w] = true
	}
	for _, c := range schema {
		for _, crit := range c.Criteria {
			ws := words(crit)
			all := len(ws) > 0
			for _, w := range ws {
				all = all && have[w]
			}
			if all {
				return c.Category
			}
		}
	}
	return schema[len(schema)-1].Category
}

// words splits s into lower-case words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
