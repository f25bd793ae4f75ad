package reductotest

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SandboxPassword opens the simulator's protected documents: a document
// whose name contains "locked" (e.g. "statement-locked.pdf") is refused
// with HTTP 442, as Reducto refuses a password-protected PDF, unless
// settings.document_password is this.
const SandboxPassword = "sandbox"

// statusPasswordRequired is Reducto's answer for a protected PDF.
const statusPasswordRequired = 442

// batchSlowdown is how much longer a job in the batch lane
// (settings.queue_priority "batch") runs: Reducto runs it on spare
// capacity and promises it within hours.
const batchSlowdown = 5

// batchDiscount is the credits a batch job costs relative to the normal
// lane (Reducto's credit-usage page: 20% fewer).
const batchDiscount = 0.8

// requestSettings is the part of "settings" (top level, or under
// "parsing" for extract and split) the simulator acts on.
type requestSettings struct {
	DocumentPassword string `json:"document_password"`
	QueuePriority    string `json:"queue_priority"`
}

// settingsOf reads the request's settings wherever the request kind puts
// them; the top level wins.
func settingsOf(body []byte) requestSettings {
	var req struct {
		Settings *requestSettings `json:"settings"`
		Parsing  *struct {
			Settings *requestSettings `json:"settings"`
		} `json:"parsing"`
	}
	_ = json.Unmarshal(body, &req)
	var out requestSettings
	if req.Parsing != nil && req.Parsing.Settings != nil {
		out = *req.Parsing.Settings
	}
	if st := req.Settings; st != nil {
		if st.DocumentPassword != "" {
			out.DocumentPassword = st.DocumentPassword
		}
		if st.QueuePriority != "" {
			out.QueuePriority = st.QueuePriority
		}
	}
	return out
}

// locked reports whether the simulator treats a file name as a
// password-protected document.
func locked(name string) bool { return strings.Contains(strings.ToLower(name), "locked") }

// refusePassword answers 442 for a protected document submitted without
// its password; it reports whether it answered.
func refusePassword(w http.ResponseWriter, sub Submission) bool {
	if strings.HasPrefix(sub.Input, "jobid://") || !locked(sub.FileName) {
		return false // a chained job reuses a parse that already opened the file
	}
	switch pw := settingsOf(sub.Body).DocumentPassword; {
	case pw == SandboxPassword:
		return false
	case pw == "":
		writeAppError(w, statusPasswordRequired, "password_required",
			"The document is password-protected: set settings.document_password")
	default:
		writeAppError(w, statusPasswordRequired, "password_incorrect",
			"The password in settings.document_password does not open the document")
	}
	return true
}

// redactPassword removes settings.document_password from the request the
// simulator keeps (and echoes in raw_config and its state file): a secret
// is not something to hand back.
func redactPassword(body []byte) []byte {
	if !bytes.Contains(body, []byte(`"document_password"`)) {
		return body
	}
	var top map[string]any
	if json.Unmarshal(body, &top) != nil {
		return body
	}
	drop := func(v any) {
		if m, ok := v.(map[string]any); ok {
			if _, ok := m["document_password"]; ok {
				m["document_password"] = "[redacted]"
			}
		}
	}
	drop(top["settings"])
	if p, ok := top["parsing"].(map[string]any); ok {
		drop(p["settings"])
	}
	out, err := json.Marshal(top)
	if err != nil {
		return body
	}
	return out
}

// laneOf applies the batch lane to a new job: it runs batchSlowdown times
// longer.
func laneOf(j *job, sub Submission) {
	if settingsOf(sub.Body).QueuePriority == "batch" {
		j.Batch = true
		j.Dur *= batchSlowdown
	}
}

// jobCredits is what a job costs: per page, twice for an extract that
// parses first, nothing for the parse a jobid:// input reuses, and 20%
// less in the batch lane.
func jobCredits(j *job, perPage float64) *float64 {
	c := perPage * float64(j.Pages)
	if j.Batch {
		c *= batchDiscount
	}
	return &c
}

// chained reports whether a job ran on an earlier parse (jobid://).
func chained(j *job) bool { return strings.HasPrefix(j.Input, "jobid://") }

// handleFigure serves the image of a parse result's figure: a small bar
// chart drawn from the page number, so a result view has a real image to
// show and nothing needs to be stored.
func (s *Server) handleFigure(w http.ResponseWriter, r *http.Request) {
	page, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("page"), ".png"))
	if err != nil || page < 1 {
		writeDetail(w, http.StatusNotFound, "Not Found")
		return
	}
	const wd, ht = 240, 140
	img := image.NewRGBA(image.Rect(0, 0, wd, ht))
	for y := 0; y < ht; y++ {
		for x := 0; x < wd; x++ {
			img.Set(x, y, color.White)
		}
	}
	bar := color.RGBA{0x3b, 0x6e, 0xd8, 0xff}
	for i := 0; i < 4; i++ {
		h := 30 + (page*37+i*23)%90
		for y := ht - 10 - h; y < ht-10; y++ {
			for x := 20 + i*55; x < 60+i*55; x++ {
				img.Set(x, y, bar)
			}
		}
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "max-age="+strconv.Itoa(int((time.Hour).Seconds())))
	_ = png.Encode(w, img)
}
