package reductotest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/clock"
)

const testKey = "test-key"

// newTest starts a server with an API key and a fast clock.
func newTest(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.NewScaled(1000)
	}
	s := NewServer(cfg)
	t.Cleanup(s.Close)
	return s
}

// call makes an authenticated request and returns status, body and headers.
func call(t testing.TB, s *Server, method, path string, body any) (int, []byte, http.Header) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return resp.StatusCode, out, resp.Header
}

// decode unmarshals b into v or fails the test.
func decode(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// upload sends a multipart file of size bytes and returns its file id.
func upload(t testing.TB, s *Server, name string, size int) string {
	t.Helper()
	return uploadBytes(t, s, name, bytes.Repeat([]byte("x"), size))
}

// uploadBytes sends data as a multipart file and returns its file id.
func uploadBytes(t testing.TB, s *Server, name string, data []byte) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/upload", &buf)
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	var up struct {
		FileID string `json:"file_id"`
	}
	decode(t, b, &up)
	return up.FileID
}

// submit posts a job and returns its id.
func submit(t testing.TB, s *Server, kind string, body map[string]any) string {
	t.Helper()
	code, b, _ := call(t, s, http.MethodPost, "/"+kind+"_async", body)
	if code != 200 {
		t.Fatalf("submit %s: %d %s", kind, code, b)
	}
	var r struct {
		JobID string `json:"job_id"`
	}
	decode(t, b, &r)
	if r.JobID == "" {
		t.Fatalf("submit %s: no job_id in %s", kind, b)
	}
	return r.JobID
}

// jobResp is GET /job/{id} as the tests read it.
type jobResp struct {
	Status    string          `json:"status"`
	Progress  *float64        `json:"progress"`
	Reason    *string         `json:"reason"`
	Result    json.RawMessage `json:"result"`
	Type      string          `json:"type"`
	NumPages  *int            `json:"num_pages"`
	Duration  *float64        `json:"duration"`
	CreatedAt time.Time       `json:"created_at"`
	RawConfig *string         `json:"raw_config"`
}

// getJob fetches a job; it fails the test on anything but 200.
func getJob(t testing.TB, s *Server, id string) jobResp {
	t.Helper()
	code, b, _ := call(t, s, http.MethodGet, "/job/"+id, nil)
	if code != 200 {
		t.Fatalf("GET /job/%s: %d %s", id, code, b)
	}
	var j jobResp
	decode(t, b, &j)
	return j
}

// pollUntilTerminal polls GET /job until a terminal status, with a real
// deadline, recording every status seen.
func pollUntilTerminal(t testing.TB, s *Server, id string) (jobResp, []string) {
	t.Helper()
	var seen []string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		j := getJob(t, s, id)
		if len(seen) == 0 || seen[len(seen)-1] != j.Status {
			seen = append(seen, j.Status)
		}
		switch j.Status {
		case "Completed", "Failed", "Cancelled":
			return j, seen
		}
		// Pace on the simulator's own change signal rather than sleeping.
		_ = s.WaitFor(5*time.Millisecond, func() bool { return false })
	}
	t.Fatalf("job %s not terminal in time; seen %v", id, seen)
	return jobResp{}, nil
}
