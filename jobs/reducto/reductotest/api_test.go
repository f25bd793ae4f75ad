package reductotest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/clock"
)

func TestValidationErrors(t *testing.T) {
	s := newTest(t, Config{})
	cases := []struct {
		path, body string
		loc        string
	}{
		{"/parse_async", `{}`, "input"},
		{"/parse_async", `{"input": 5}`, "input"},
		{"/parse_async", `{not json`, "0"},
		{"/split_async", `{"input":"https://e.com/a.pdf"}`, "split_description"},
		{"/extract_async", `{"input":"https://e.com/a.pdf","async":{"webhook":{"mode":"direct"}}}`, "url"},
		{"/parse_async", `{"input":"https://e.com/a.pdf","async":{"webhook":{"mode":"disabled"}}}`, "mode"},
	}
	for _, c := range cases {
		code, b, _ := call(t, s, http.MethodPost, c.path, c.body)
		var v struct {
			Detail []struct {
				Loc  []any  `json:"loc"`
				Msg  string `json:"msg"`
				Type string `json:"type"`
			} `json:"detail"`
		}
		if code != 422 {
			t.Fatalf("%s %s: %d %s", c.path, c.body, code, b)
		}
		decode(t, b, &v)
		if len(v.Detail) != 1 || v.Detail[0].Msg == "" || v.Detail[0].Type == "" {
			t.Fatalf("%s %s: detail %s", c.path, c.body, b)
		}
		loc := v.Detail[0].Loc
		if last, _ := json.Marshal(loc[len(loc)-1]); strings.Trim(string(last), `"`) != c.loc {
			t.Fatalf("%s %s: loc %v, want ...%s", c.path, c.body, loc, c.loc)
		}
	}
	if n := len(s.Jobs()); n != 0 {
		t.Fatalf("%d jobs created by invalid requests", n)
	}
}

func TestInputErrors(t *testing.T) {
	s := newTest(t, Config{})
	code, b, _ := call(t, s, http.MethodPost, "/parse_async", `{"input":"reducto://nope.pdf"}`)
	var e struct {
		Error struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    int    `json:"code"`
		} `json:"error"`
	}
	decode(t, b, &e)
	if code != 404 || e.Error.Code != 404 || e.Error.Message == "" {
		t.Fatalf("unknown file id: %d %s", code, b)
	}
	code, b, _ = call(t, s, http.MethodPost, "/parse_async", `{"input":"C:\\file.pdf"}`)
	if code != 400 || !bytes.Contains(b, []byte(`"error"`)) {
		t.Fatalf("bad input: %d %s", code, b)
	}
	// jobid:// reuses an earlier job.
	prev := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	submit(t, s, "extract", map[string]any{"input": "jobid://" + prev})
	// The upload object is accepted as input too.
	fid := upload(t, s, "a.pdf", 3)
	submit(t, s, "parse", map[string]any{"input": map[string]any{"file_id": fid, "presigned_url": nil}})
}

func TestUnknownJobAndRoutes(t *testing.T) {
	s := newTest(t, Config{})
	for _, p := range []string{"/job/does-not-exist"} {
		code, b, _ := call(t, s, http.MethodGet, p, nil)
		if code != 404 || string(b) != `{"detail":"Job not found"}` {
			t.Fatalf("%s: %d %s", p, code, b)
		}
	}
	if code, b, _ := call(t, s, http.MethodPost, "/cancel/nope", nil); code != 404 {
		t.Fatalf("cancel unknown: %d %s", code, b)
	}
	if code, b, _ := call(t, s, http.MethodGet, "/nothing-here", nil); code != 404 || !bytes.Contains(b, []byte("detail")) {
		t.Fatalf("unknown route: %d %s", code, b)
	}
	code, b, _ := call(t, s, http.MethodGet, "/version", nil)
	var v string
	decode(t, b, &v)
	if code != 200 || v != Version {
		t.Fatalf("version: %d %s", code, b)
	}
	code, b, _ = call(t, s, http.MethodPost, "/configure_webhook", nil)
	decode(t, b, &v)
	if code != 200 || !strings.HasPrefix(v, s.URL) {
		t.Fatalf("configure_webhook: %d %s", code, b)
	}
}

func TestPresignedUpload(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1})
	code, b, _ := call(t, s, http.MethodPost, "/upload?extension=pdf", nil)
	var up struct {
		FileID       string `json:"file_id"`
		PresignedURL string `json:"presigned_url"`
	}
	decode(t, b, &up)
	if code != 200 || !strings.HasPrefix(up.FileID, "reducto://") || !strings.HasSuffix(up.FileID, ".pdf") ||
		!strings.HasPrefix(up.PresignedURL, s.URL+"/presigned/") {
		t.Fatalf("presigned: %d %s", code, b)
	}
	// PUT without any Authorization header, as to S3.
	req, _ := http.NewRequest(http.MethodPut, up.PresignedURL, bytes.NewReader(make([]byte, 130<<10)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT: %v %v", err, resp)
	}
	resp.Body.Close()
	id := submit(t, s, "parse", map[string]any{"input": up.FileID})
	j, _ := pollUntilTerminal(t, s, id)
	if j.Status != "Completed" || *j.NumPages != 3 {
		t.Fatalf("presigned job: %+v", j)
	}
	// A presigned id never PUT to fails at processing, as a download would.
	_, b, _ = call(t, s, http.MethodPost, "/upload", nil)
	decode(t, b, &up)
	id = submit(t, s, "parse", map[string]any{"input": up.FileID})
	if j, _ := pollUntilTerminal(t, s, id); j.Status != "Failed" {
		t.Fatalf("never-uploaded job: %+v", j)
	}
}

func TestUploadErrors(t *testing.T) {
	s := newTest(t, Config{MaxUploadBytes: 1 << 10})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/upload", strings.NewReader("--x\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--x--\r\n"))
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 422 {
		t.Fatalf("multipart without file: %v %v", err, resp)
	}
	resp.Body.Close()

	var buf bytes.Buffer
	buf.WriteString("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n")
	buf.Write(make([]byte, 2<<10))
	buf.WriteString("\r\n--x--\r\n")
	req, _ = http.NewRequest(http.MethodPost, s.URL+"/upload", &buf)
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 413 {
		t.Fatalf("oversized upload: %v %v", err, resp)
	}
	resp.Body.Close()
}

func TestCancel(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1, Clock: clock.NewScaled(1),
		JobDuration: func(Submission) time.Duration { return time.Hour }})
	id := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	code, b, _ := call(t, s, http.MethodPost, "/cancel/"+id, nil)
	if code != 200 || string(b) != "{}" {
		t.Fatalf("cancel: %d %s", code, b)
	}
	if j := getJob(t, s, id); j.Status != "Cancelled" {
		t.Fatalf("after cancel: %s", j.Status)
	}
}

func TestPagingThroughJobs(t *testing.T) {
	s := newTest(t, Config{Clock: clock.NewScaled(1), EdgeRateLimit: -1})
	want := map[string]bool{}
	var ids []string
	for i := range 250 {
		id := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf",
			"async": map[string]any{"metadata": map[string]any{"n": i}}})
		want[id] = true
		ids = append(ids, id)
	}
	seen := map[string]bool{}
	var order []string
	cursor, pages := "", 0
	for {
		q := "/jobs?limit=100"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		code, b, _ := call(t, s, http.MethodGet, q, nil)
		if code != 200 {
			t.Fatalf("%s: %d %s", q, code, b)
		}
		var page struct {
			Jobs []struct {
				JobID     string  `json:"job_id"`
				Status    string  `json:"status"`
				Type      string  `json:"type"`
				RawConfig *string `json:"raw_config"`
			} `json:"jobs"`
			NextCursor *string `json:"next_cursor"`
		}
		decode(t, b, &page)
		pages++
		for _, j := range page.Jobs {
			if seen[j.JobID] || !want[j.JobID] {
				t.Fatalf("job %s repeated or unknown", j.JobID)
			}
			if j.RawConfig == nil || !strings.Contains(*j.RawConfig, `"metadata"`) || j.Type != "Parse" || j.Status == "" {
				t.Fatalf("listed job: %+v", j)
			}
			seen[j.JobID] = true
			order = append(order, j.JobID)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if pages != 3 || len(seen) != 250 {
		t.Fatalf("pages %d, jobs %d", pages, len(seen))
	}
	if order[0] != ids[249] || order[249] != ids[0] {
		t.Fatal("not newest first")
	}
	// exclude_configs drops raw_config; limits are validated.
	_, b, _ := call(t, s, http.MethodGet, "/jobs?limit=1&exclude_configs=true", nil)
	if !bytes.Contains(b, []byte(`"raw_config":null`)) {
		t.Fatalf("exclude_configs: %s", b)
	}
	for _, q := range []string{"limit=0", "limit=501", "limit=x", "cursor=bm9wZQ", "exclude_configs=maybe"} {
		if code, b, _ := call(t, s, http.MethodGet, "/jobs?"+q, nil); code != 422 {
			t.Fatalf("%s: %d %.200s", q, code, b)
		}
	}
	_, b, _ = call(t, s, http.MethodGet, "/jobs", nil)
	var def struct{ Jobs []json.RawMessage }
	decode(t, b, &def)
	if len(def.Jobs) != 100 {
		t.Fatalf("default limit gave %d", len(def.Jobs))
	}
}

func TestURLResults(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1, URLResults: true})
	shapes := map[string]int{}
	for range 4 {
		id := submit(t, s, "parse", map[string]any{"input": upload(t, s, "big.pdf", 100<<10)})
		j, _ := pollUntilTerminal(t, s, id)
		var r struct {
			Result struct {
				Type     string `json:"type"`
				URL      string `json:"url"`
				ResultID string `json:"result_id"`
			} `json:"result"`
		}
		decode(t, j.Result, &r)
		if r.Result.Type != "url" || r.Result.ResultID == "" || !strings.HasPrefix(r.Result.URL, s.URL+"/result/") {
			t.Fatalf("url result: %s", j.Result)
		}
		resp, err := http.Get(r.Result.URL) // no auth, like a presigned URL
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET result: %v %v", err, resp)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var obj struct {
			Type   string            `json:"type"`
			Chunks []json.RawMessage `json:"chunks"`
		}
		var arr []struct {
			Content string `json:"content"`
		}
		switch {
		case json.Unmarshal(body, &obj) == nil && obj.Type == "full" && len(obj.Chunks) == 2:
			shapes["object"]++
		case json.Unmarshal(body, &arr) == nil && len(arr) == 2 && arr[0].Content != "":
			shapes["array"]++
		default:
			t.Fatalf("result body: %s", body)
		}
	}
	if shapes["object"] != 2 || shapes["array"] != 2 {
		t.Fatalf("shapes %v", shapes)
	}
	resp, err := http.Get(s.URL + "/result/unknown")
	if err != nil || resp.StatusCode != 403 {
		t.Fatalf("unknown result: %v %v", err, resp)
	}
	resp.Body.Close()
}

func TestURLResultThresholdAndForce(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1, URLResultAbove: 5000})
	kind := func(body map[string]any) string {
		j, _ := pollUntilTerminal(t, s, submit(t, s, "parse", body))
		var r struct {
			Result struct{ Type string } `json:"result"`
		}
		decode(t, j.Result, &r)
		return r.Result.Type
	}
	if k := kind(map[string]any{"input": upload(t, s, "small.pdf", 10)}); k != "full" {
		t.Fatalf("small: %s", k)
	}
	if k := kind(map[string]any{"input": upload(t, s, "big.pdf", 3<<20)}); k != "url" {
		t.Fatalf("big: %s", k)
	}
	if k := kind(map[string]any{"input": upload(t, s, "s.pdf", 10), "settings": map[string]any{"force_url_result": true}}); k != "url" {
		t.Fatalf("forced: %s", k)
	}
}

func TestJobRateLimit(t *testing.T) {
	// A frozen clock makes the bucket exact: 200 requests pass in a
	// second, the next 100 are refused.
	fc := newFakeClock()
	s := newTest(t, Config{Clock: fc, EdgeRateLimit: -1})
	id := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	limited := 0
	for range 300 {
		code, b, h := call(t, s, http.MethodGet, "/job/"+id, nil)
		if code == 429 {
			limited++
			if h.Get("Retry-After") == "" || !bytes.Contains(b, []byte("[CODE 2000]")) ||
				!bytes.Contains(b, []byte("please use webhooks instead of polling")) {
				t.Fatalf("429: %v %s", h, b)
			}
		} else if code != 200 {
			t.Fatalf("status %d", code)
		}
	}
	if limited != 100 || s.Count429() != 100 {
		t.Fatalf("%d of 300 limited (Count429 %d), want 100", limited, s.Count429())
	}
	// Other endpoints are not under the /job limit.
	if code, _, _ := call(t, s, http.MethodGet, "/jobs", nil); code != 200 {
		t.Fatalf("/jobs: %d", code)
	}
	fc.Advance(500 * time.Millisecond)
	ok := 0
	for range 150 {
		if code, _, _ := call(t, s, http.MethodGet, "/job/"+id, nil); code == 200 {
			ok++
		}
	}
	if ok != 100 {
		t.Fatalf("after half a second %d passed, want 100", ok)
	}
}

func TestEdgeRateLimit(t *testing.T) {
	s := newTest(t, Config{Clock: newFakeClock(), EdgeRateLimit: 20})
	limited := 0
	for range 30 {
		code, b, h := call(t, s, http.MethodGet, "/version", nil)
		if code == 429 {
			limited++
			if !bytes.Contains(b, []byte("[CODE 1000]")) || h.Get("Retry-After") == "" {
				t.Fatalf("edge 429: %v %s", h, b)
			}
		}
	}
	if limited != 10 {
		t.Fatalf("%d of 30 limited, want 10", limited)
	}
}

func TestExpiry(t *testing.T) {
	fc := newFakeClock()
	s := newTest(t, Config{Clock: fc, JobTTL: 12 * time.Hour})
	a := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	fc.Advance(6 * time.Hour)
	b := submit(t, s, "parse", map[string]any{"input": "https://e.com/b.pdf"})
	if j := getJob(t, s, a); j.Status != "Completed" {
		t.Fatalf("a after 6h: %s", j.Status)
	}
	fc.Advance(6*time.Hour + time.Second)
	if code, body, _ := call(t, s, http.MethodGet, "/job/"+a, nil); code != 404 || string(body) != `{"detail":"Job not found"}` {
		t.Fatalf("a after 12h: %d %s", code, body)
	}
	if j := getJob(t, s, b); j.Status != "Completed" {
		t.Fatalf("b: %s", j.Status)
	}
	_, body, _ := call(t, s, http.MethodGet, "/jobs", nil)
	if bytes.Contains(body, []byte(a)) || !bytes.Contains(body, []byte(b)) {
		t.Fatalf("list after expiry: %s", body)
	}
	if !s.ExpireJob(b) {
		t.Fatal("ExpireJob: unknown")
	}
	if code, _, _ := call(t, s, http.MethodGet, "/job/"+b, nil); code != 404 {
		t.Fatalf("b after ExpireJob: %d", code)
	}
}

func TestPause(t *testing.T) {
	fc := newFakeClock()
	s := newTest(t, Config{Clock: fc, IdleEvery: -1})
	s.SetPaused(true)
	id := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	fc.Advance(time.Hour)
	if j := getJob(t, s, id); j.Status != "Pending" {
		t.Fatalf("paused: %s", j.Status)
	}
	s.SetPaused(false)
	fc.Advance(time.Second)
	if j := getJob(t, s, id); j.Status != "InProgress" {
		t.Fatalf("resumed 1s: %s", j.Status)
	}
	fc.Advance(10 * time.Second)
	if j := getJob(t, s, id); j.Status != "Completed" {
		t.Fatalf("resumed 11s: %s", j.Status)
	}
}

func TestDeleteUploadAndJob(t *testing.T) {
	s := newTest(t, Config{})
	fid := upload(t, s, "gone.pdf", 10)
	code, b, _ := call(t, s, http.MethodDelete, "/upload/"+url.PathEscape(fid), nil)
	if code != 200 || !bytes.Contains(b, []byte(fid)) {
		t.Fatalf("delete upload: %d %s", code, b)
	}
	if code, _, _ := call(t, s, http.MethodPost, "/parse_async", map[string]any{"input": fid}); code != 404 {
		t.Fatalf("submit deleted file: %d", code)
	}
	id := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	if code, _, _ := call(t, s, http.MethodDelete, "/job/"+id, nil); code != 202 {
		t.Fatalf("delete job: %d", code)
	}
	if code, _, _ := call(t, s, http.MethodGet, "/job/"+id, nil); code != 410 {
		t.Fatalf("deleted job: %d", code)
	}
}
