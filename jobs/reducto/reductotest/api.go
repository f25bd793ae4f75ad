package reductotest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// Version is what GET /version answers.
const Version = "v1.11.80-reductotest"

const maxJSONBody = 10 << 20

func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /upload", s.handleUpload)
	m.HandleFunc("PUT /presigned/{id}", s.handlePresignedPut)
	m.HandleFunc("DELETE /upload/{file_id...}", s.handleDeleteUpload)
	for _, k := range simKinds { // each kind's submission routes (kind_*.go, edit.go, classify.go)
		k.routes(s, m)
	}
	m.HandleFunc("GET /job/{id}", s.handleJob)
	m.HandleFunc("DELETE /job/{id}", s.handleDeleteJob)
	m.HandleFunc("GET /jobs", s.handleJobs)
	m.HandleFunc("POST /cancel/{id}", s.handleCancel)
	m.HandleFunc("POST /configure_webhook", s.handleConfigureWebhook)
	m.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, Version) })
	m.HandleFunc("GET /result/{id}", s.handleResult)
	m.HandleFunc("GET /figure/{job}/{page}", s.handleFigure)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeDetail(w, http.StatusNotFound, "Not Found") })
	return m
}

// submitBody is the part of a submission the simulator validates.
type submitBody struct {
	Input json.RawMessage `json:"input"`
	Async json.RawMessage `json:"async"`
}

func (s *Server) handleSubmit(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
		if err != nil {
			writeDetail(w, http.StatusRequestEntityTooLarge, "Request body too large")
			return
		}
		var compact bytes.Buffer
		var body submitBody
		if err := json.Compact(&compact, raw); err != nil || json.Unmarshal(raw, &body) != nil {
			writeValidation(w, fieldError{Loc: []any{"body", 0}, Msg: "JSON decode error", Type: "json_invalid"})
			return
		}
		var errs []fieldError
		var input string
		switch {
		case len(body.Input) == 0 || string(body.Input) == "null":
			errs = append(errs, fieldError{Loc: []any{"body", "input"}, Msg: "Field required", Type: "missing"})
		case json.Unmarshal(body.Input, &input) != nil:
			// The upload object {"file_id": ...} is accepted too.
			var up reducto.Upload
			if json.Unmarshal(body.Input, &up) != nil || up.FileID == "" {
				errs = append(errs, fieldError{Loc: []any{"body", "input"}, Msg: "Input should be a valid string", Type: "string_type"})
			}
			input = up.FileID
		}
		var async reducto.AsyncConfig
		if len(body.Async) > 0 && string(body.Async) != "null" {
			if err := json.Unmarshal(body.Async, &async); err != nil {
				errs = append(errs, fieldError{Loc: []any{"body", "async"}, Msg: "Input should be a valid dictionary or object", Type: "model_attributes_type"})
			} else if wh := async.Webhook; wh != nil {
				switch {
				case wh.Mode != "svix" && wh.Mode != "direct":
					errs = append(errs, fieldError{Loc: []any{"body", "async", "webhook", "mode"}, Msg: "Input should be 'svix' or 'direct'", Type: "literal_error", Input: wh.Mode})
				case wh.Mode == "direct" && wh.URL == "":
					errs = append(errs, fieldError{Loc: []any{"body", "async", "webhook", "url"}, Msg: "Field required", Type: "missing"})
				}
			}
		}
		if check := simKinds[kind].check; check != nil {
			errs = append(errs, check(raw)...)
		}
		if len(errs) > 0 {
			writeValidation(w, errs...)
			return
		}
		sub := Submission{Kind: kind, Input: input, Body: compact.Bytes()}
		s.mu.Lock()
		defer s.mu.Unlock()
		now := s.clk.Now()
		failReason := ""
		var layout []LayoutPage // the upload's real text, when Config.Layout read it
		switch {
		case strings.HasPrefix(input, "reducto://"):
			f := s.state.files[input]
			if f == nil {
				writeAppError(w, http.StatusNotFound, "file_not_found", "File not found: "+input)
				return
			}
			sub.FileName, sub.FileSize = f.Name, f.Size
			layout = f.layout
			if !f.Uploaded {
				failReason = "Failed to download file: nothing was uploaded to the presigned URL"
			}
		case strings.HasPrefix(input, "jobid://"):
			// An expired (or deleted, or unknown) parse answers as GET /job
			// does for it: 404, or 410 once deleted (reference §4, §12).
			id := strings.TrimPrefix(input, "jobid://")
			prev := s.lookupLocked(id, now)
			if prev == nil {
				if old := s.state.jobs[id]; old != nil && old.Deleted {
					writeAppError(w, http.StatusGone, "job_deleted", "Job has been deleted: "+input)
				} else {
					writeAppError(w, http.StatusNotFound, "job_not_found", "Job not found: "+input)
				}
				return
			}
			sub.FileName, sub.FileSize = prev.FileName, prev.FileSize
		default:
			u, err := url.Parse(input)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				writeAppError(w, http.StatusBadRequest, "invalid_input", "Input must be a reducto:// file id, a jobid:// reference or an http(s) URL")
				return
			}
			sub.FileName = path.Base(u.Path)
		}
		if refusePassword(w, sub) {
			return
		}
		sub.Body = redactPassword(sub.Body)
		j := s.createJobLocked(sub, async, failReason, now)
		applyLayoutLocked(j, sub, layout)
		writeJSON(w, http.StatusOK, reducto.AsyncResponse{JobID: j.ID})
	}
}

// createJobLocked records a new job and arms its completion.
func (s *Server) createJobLocked(sub Submission, async reducto.AsyncConfig, failReason string, now time.Time) *job {
	s.purgeExpiredLocked(now)
	id := uuid.NewString()
	s.state.seq++
	j := &job{ID: id, Seq: s.state.seq, Kind: sub.Kind, Input: sub.Input, FileName: sub.FileName,
		FileSize: sub.FileSize, RawConfig: sub.Body, Webhook: async.Webhook,
		Created: now, StartV: s.vtLocked(now)}
	if len(async.Metadata) > 0 && string(async.Metadata) != "null" {
		j.Metadata = append(json.RawMessage(nil), async.Metadata...)
	}
	j.Dur = defaultDuration(id)
	if s.cfg.JobDuration != nil {
		j.Dur = s.cfg.JobDuration(sub)
	}
	j.Idle = s.cfg.IdleEvery > 0 && j.Seq%int64(s.cfg.IdleEvery) == 0
	j.Pages = pageCount(sub)
	laneOf(j, sub)
	switch {
	case failReason != "":
		j.Fail, j.Reason = true, failReason
	case len(s.failNext) > 0:
		j.Fail, j.Reason = true, s.failNext[0]
		s.failNext = s.failNext[1:]
	case s.cfg.Outcome != nil:
		j.Fail, j.Reason = s.cfg.Outcome(sub)
	case s.cfg.FailRate > 0:
		j.Fail = float64(stableHash(id)%10000)/10000 < s.cfg.FailRate
		j.Reason = "simulated failure"
	}
	if j.Fail && j.Reason == "" {
		j.Reason = "simulated failure"
	}
	s.state.jobs[id] = j
	s.state.order = append(s.state.order, j)
	s.log.Debug("reductotest: job submitted", "job", id, "kind", j.Kind, "input", j.Input, "duration", j.Dur, "fail", j.Fail)
	s.scheduleCheckLocked(j, now)
	s.dirtyLocked()
	s.notifyLocked()
	return j
}

// pageCount makes page counts follow file size (about 60 KB a page) and
// settings.page_range.
func pageCount(sub Submission) int {
	pages := 3
	if sub.FileSize > 0 {
		pages = int(min(500, 1+sub.FileSize/(60<<10)))
	}
	if pr := pageRangeOf(sub); pr != nil {
		start, end := max(1, pr.Start), pages
		if pr.End > 0 {
			end = min(end, pr.End)
		}
		pages = max(1, end-start+1)
	}
	return pages
}

// pageRangeOf is a submission's settings.page_range (nil: every page).
func pageRangeOf(sub Submission) *reducto.PageRange {
	var req struct {
		Settings *reducto.ParseSettings `json:"settings"`
		Parsing  *reducto.ParseOptions  `json:"parsing"`
	}
	_ = json.Unmarshal(sub.Body, &req)
	st := req.Settings
	if st == nil && req.Parsing != nil {
		st = req.Parsing.Settings
	}
	if st == nil {
		return nil
	}
	return st.PageRange
}

// applyLayoutLocked gives a job the real text of its upload (Config.Layout):
// its pages, within the page range, are the document's own.
func applyLayoutLocked(j *job, sub Submission, layout []LayoutPage) {
	if len(layout) == 0 {
		return
	}
	start, end := 1, 0
	if pr := pageRangeOf(sub); pr != nil {
		start, end = pr.Start, pr.End
	}
	kept := layoutRange(layout, start, end)
	if len(kept) == 0 {
		return
	}
	// The document's own page count either way; its lines only when it
	// has text (a scan gets the made-up blocks, one page each).
	j.Pages = len(kept)
	if hasText(kept) {
		j.Layout = kept
	}
}

// jobResponse is GET /job/{id}: AsyncJobResponse plus the "Enhanced" fields.
type jobResponse struct {
	Status     string          `json:"status"`
	Result     json.RawMessage `json:"result"`
	Progress   *float64        `json:"progress"`
	Reason     *string         `json:"reason"`
	Error      *errorObject    `json:"error,omitempty"` // Config.ErrorObjects
	Type       string          `json:"type"`
	NumPages   *int            `json:"num_pages"`
	TotalPages *int            `json:"total_pages"`
	Source     any             `json:"source"`
	Duration   *float64        `json:"duration"`
	CreatedAt  time.Time       `json:"created_at"`
	RawConfig  *string         `json:"raw_config"`
	Bucket     any             `json:"bucket"`
}

func (s *Server) handleJob(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	now := s.clk.Now()
	if s.jobLimit != nil {
		if ok, wait := s.jobLimit.take(now); !ok {
			s.mu.Unlock()
			writeRateLimited(w, "[CODE 2000] rate limit exceeded on /job, please use webhooks instead of polling", wait.Milliseconds()+1)
			return
		}
	}
	j := s.lookupLocked(r.PathValue("id"), now)
	if j == nil {
		s.writeMissingLocked(w, r.PathValue("id"), now)
		s.mu.Unlock()
		return
	}
	// The response only holds immutable pieces of the job (the result is
	// written once), so it is encoded after unlocking.
	resp := s.jobResponseLocked(j, now)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) jobResponseLocked(j *job, now time.Time) jobResponse {
	st, p := s.phaseLocked(j, now)
	raw := string(j.RawConfig)
	resp := jobResponse{Status: st, Type: kindType(j.Kind), CreatedAt: j.Created.UTC(), RawConfig: &raw}
	switch st {
	case reducto.JobInProgress:
		resp.Progress = &p
	case reducto.JobCompleted:
		resp.Result = j.Result
	case reducto.JobFailed:
		if s.cfg.ErrorObjects {
			resp.Error = &errorObject{Code: "job_failed", Name: "JobFailed", Message: j.Reason}
		} else {
			resp.Reason = &j.Reason
		}
	}
	if reducto.IsTerminal(st) {
		pages, d := j.Pages, j.Dur.Seconds()
		resp.NumPages, resp.TotalPages, resp.Duration = &pages, &pages, &d
	}
	return resp
}

func (s *Server) handleDeleteJob(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	j := s.lookupLocked(r.PathValue("id"), now)
	if j == nil {
		s.writeMissingLocked(w, r.PathValue("id"), now)
		return
	}
	s.deleteLocked(j, now) // tombstoned: later reads answer 409, then 410
	writeJSON(w, http.StatusAccepted, map[string]string{"job_id": j.ID})
}

func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	j := s.lookupLocked(r.PathValue("id"), now)
	if j == nil {
		s.writeMissingLocked(w, r.PathValue("id"), now)
		return
	}
	if st, _ := s.phaseLocked(j, now); !reducto.IsTerminal(st) {
		// Reducto documents no webhook for cancelled jobs; none is sent.
		j.Final, j.FinalAt = reducto.JobCancelled, now
		s.dirtyLocked()
		s.notifyLocked()
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

func (s *Server) handleConfigureWebhook(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.baseURL()+"/svix-portal")
}

func (s *Server) handleResult(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	b, ok := s.state.results[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		// Like an expired or unknown presigned S3 URL.
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "<Error><Code>AccessDenied</Code></Error>")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// listedJob is one element of GET /jobs (SingleJob).
type listedJob struct {
	JobID      string    `json:"job_id"`
	Status     string    `json:"status"`
	Type       string    `json:"type"`
	RawConfig  *string   `json:"raw_config"`
	CreatedAt  time.Time `json:"created_at"`
	Source     any       `json:"source"`
	NumPages   *int      `json:"num_pages"`
	TotalPages *int      `json:"total_pages"`
	Duration   *float64  `json:"duration"`
	Bucket     any       `json:"bucket"`
}

type jobsPage struct {
	Jobs       []listedJob `json:"jobs"`
	NextCursor *string     `json:"next_cursor"`
}

func encodeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("seq:" + strconv.FormatInt(seq, 10)))
}

func decodeCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, err
	}
	rest, ok := strings.CutPrefix(string(b), "seq:")
	if !ok {
		return 0, errors.New("bad cursor")
	}
	return strconv.ParseInt(rest, 10, 64)
}

func (s *Server) handleJobs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 100
	var errs []fieldError
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			errs = append(errs, fieldError{Loc: []any{"query", "limit"}, Msg: "Input should be a valid integer", Type: "int_parsing", Input: v})
		case n < 1:
			errs = append(errs, fieldError{Loc: []any{"query", "limit"}, Msg: "Input should be greater than or equal to 1", Type: "greater_than_equal", Input: v})
		case n > 500:
			errs = append(errs, fieldError{Loc: []any{"query", "limit"}, Msg: "Input should be less than or equal to 500", Type: "less_than_equal", Input: v})
		default:
			limit = n
		}
	}
	exclude := false
	if v := q.Get("exclude_configs"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fieldError{Loc: []any{"query", "exclude_configs"}, Msg: "Input should be a valid boolean", Type: "bool_parsing", Input: v})
		}
		exclude = b
	}
	before := int64(-1)
	if c := q.Get("cursor"); c != "" {
		seq, err := decodeCursor(c)
		if err != nil {
			errs = append(errs, fieldError{Loc: []any{"query", "cursor"}, Msg: "Invalid cursor", Type: "value_error", Input: c})
		}
		before = seq
	}
	if len(errs) > 0 {
		writeValidation(w, errs...)
		return
	}
	page := s.listPage(before, limit, exclude)
	writeJSON(w, http.StatusOK, page)
}

// listPage builds one /jobs page; it takes s.mu itself.
func (s *Server) listPage(before int64, limit int, exclude bool) jobsPage {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	page := jobsPage{Jobs: []listedJob{}}
	// Newest first: walk creation order backwards from the cursor.
	var last *job
	order := s.state.order
	from := len(order) - 1
	if before >= 0 {
		// order is sorted by Seq: start just below the cursor.
		from = sort.Search(len(order), func(i int) bool { return order[i].Seq >= before }) - 1
	}
	for i := from; i >= 0; i-- {
		j := order[i]
		if s.expiredLocked(j, now) {
			continue
		}
		if len(page.Jobs) == limit {
			c := encodeCursor(last.Seq)
			page.NextCursor = &c
			break
		}
		st, _ := s.phaseLocked(j, now)
		lj := listedJob{JobID: j.ID, Status: st, Type: kindType(j.Kind), CreatedAt: j.Created.UTC()}
		if !exclude {
			raw := string(j.RawConfig)
			lj.RawConfig = &raw
		}
		if reducto.IsTerminal(st) {
			pages, d := j.Pages, j.Dur.Seconds()
			lj.NumPages, lj.TotalPages, lj.Duration = &pages, &pages, &d
		}
		page.Jobs = append(page.Jobs, lj)
		last = j
	}
	return page
}
