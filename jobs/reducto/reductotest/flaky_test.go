package reductotest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// try makes an authenticated JSON request on a fresh connection and
// returns the status, or 0 and the error when the connection was dropped.
func try(t testing.TB, s *Server, method, path, body string) (int, error) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "application/json")
	req.Close = true // a dropped connection must not be reused
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

const parseBody = `{"input":"https://e.com/a.pdf","async":{"metadata":{"ref":"R"}}}`

// Flaky 503 bursts answer every endpoint, upload and submissions
// included, without creating anything, then the API works again.
func TestFlaky503BurstCreatesNothing(t *testing.T) {
	s := newTest(t, Config{Flaky: &Flaky{Rate: 1, Kinds: []FaultKind{Fault503}, RetryAfter: 2 * time.Second}})
	for _, p := range []struct{ method, path string }{
		{http.MethodPost, "/upload"}, {http.MethodPost, "/parse_async"}, {http.MethodPost, "/extract_async"},
		{http.MethodPost, "/split_async"}, {http.MethodGet, "/jobs"}, {http.MethodGet, "/job/x"}, {http.MethodPost, "/cancel/x"},
	} {
		body := ""
		if p.method == http.MethodPost {
			body = parseBody
		}
		code, b, h := call(t, s, p.method, p.path, body)
		if code != 503 || h.Get("Retry-After") != "2" || !bytes.Contains(b, []byte("injected")) {
			t.Errorf("%s %s: %d %v %s, want an injected 503 with Retry-After 2", p.method, p.path, code, h, b)
		}
	}
	if n := len(s.Jobs()); n != 0 {
		t.Errorf("503s created %d jobs", n)
	}
	s.mu.Lock()
	files := len(s.state.files)
	s.mu.Unlock()
	if files != 0 {
		t.Errorf("503s created %d uploads", files)
	}
	if s.FlakyFaults() != 7 {
		t.Errorf("FlakyFaults = %d, want 7", s.FlakyFaults())
	}
	s.SetFlaky(Flaky{})
	submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
}

// A burst lasts Burst consecutive requests whatever the rate.
func TestFlakyBurst(t *testing.T) {
	s := newTest(t, Config{})
	s.SetFlaky(Flaky{Rate: 1, Kinds: []FaultKind{Fault503}, Burst: 3, Seed: 7})
	if code, _, _ := call(t, s, http.MethodGet, "/jobs", nil); code != 503 {
		t.Fatalf("first request: %d", code)
	}
	s.mu.Lock()
	s.flaky.cfg.Rate = 1e-12 // no new fault will be drawn
	s.mu.Unlock()
	for i := range 2 {
		if code, _, _ := call(t, s, http.MethodPost, "/parse_async", parseBody); code != 503 {
			t.Fatalf("burst request %d: %d", i+2, code)
		}
	}
	if code, _, _ := call(t, s, http.MethodGet, "/jobs", nil); code != 200 {
		t.Fatalf("after the burst: %d", code)
	}
}

// Resets before the effect create nothing; resets after it create the
// job the client never hears of. Both hit submissions and uploads.
func TestFlakyResets(t *testing.T) {
	s := newTest(t, Config{Flaky: &Flaky{Rate: 1, Kinds: []FaultKind{FaultResetBefore}}})
	if code, err := try(t, s, http.MethodPost, "/parse_async", parseBody); err == nil {
		t.Fatalf("reset before: answered %d", code)
	}
	if code, err := try(t, s, http.MethodPost, "/upload", ""); err == nil {
		t.Fatalf("reset before on /upload: answered %d", code)
	}
	if n := len(s.Jobs()); n != 0 {
		t.Fatalf("reset before created %d jobs", n)
	}
	s.SetFlaky(Flaky{Rate: 1, Kinds: []FaultKind{FaultResetAfter}})
	if code, err := try(t, s, http.MethodPost, "/parse_async", parseBody); err == nil {
		t.Fatalf("reset after: answered %d", code)
	}
	if got := s.JobsWithMetadata("ref", "R"); len(got) != 1 {
		t.Fatalf("reset after: %d jobs with the reference, want 1", len(got))
	}
	if code, err := try(t, s, http.MethodPost, "/upload", ""); err == nil {
		t.Fatalf("reset after on /upload: answered %d", code)
	}
	s.mu.Lock()
	files := len(s.state.files)
	s.mu.Unlock()
	if files != 1 {
		t.Errorf("reset after /upload: %d files, want 1", files)
	}
	if s.CountStatus(0) != 4 {
		t.Errorf("%d dropped requests recorded, want 4", s.CountStatus(0))
	}
}

// 429s carry Retry-After and Reducto's rate-limit body; the flaky period
// ends by itself on the simulator's clock; presigned URLs are spared.
func TestFlaky429AndPeriod(t *testing.T) {
	clk := newFakeClock()
	s := newTest(t, Config{Clock: clk, Flaky: &Flaky{Rate: 1, Kinds: []FaultKind{Fault429}, For: time.Minute, RetryAfter: 1500 * time.Millisecond}})
	code, b, h := call(t, s, http.MethodGet, "/job/x", nil)
	if code != 429 || h.Get("retry-after-ms") != "1500" || h.Get("Retry-After") != "2" || !bytes.Contains(b, []byte("[CODE 1000]")) {
		t.Fatalf("flaky 429: %d %v %s", code, h, b)
	}
	if code, _, _ := call(t, s, http.MethodPut, "/presigned/none", "x"); code == 429 {
		t.Error("a presigned URL got a flaky 429")
	}
	clk.Advance(time.Minute)
	if code, _, _ := call(t, s, http.MethodGet, "/jobs", nil); code != 200 {
		t.Errorf("after the flaky period: %d", code)
	}
}

// At a partial rate, a seeded run hits some requests and spares others.
func TestFlakyRate(t *testing.T) {
	s := newTest(t, Config{EdgeRateLimit: -1, Flaky: &Flaky{Rate: 0.3, Kinds: []FaultKind{Fault503, Fault429}, Seed: 42}})
	bad := 0
	for range 200 {
		if code, _, _ := call(t, s, http.MethodGet, "/jobs", nil); code != 200 {
			bad++
		}
	}
	if bad < 30 || bad > 90 || bad != s.FlakyFaults() {
		t.Errorf("%d of 200 failed (FlakyFaults %d), want about 60", bad, s.FlakyFaults())
	}
}

// A deleted job answers 409 while the deletion runs, then 410, and leaves
// the job list; with ErrorObjects the bodies are {"error": {code, name,
// message}}.
func TestDeletedJobAnswers409Then410(t *testing.T) {
	clk := newFakeClock()
	s := newTest(t, Config{Clock: clk, DeletingFor: 5 * time.Second, ErrorObjects: true})
	id := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	if !s.DeleteJob(id) || s.DeleteJob(id) {
		t.Fatal("DeleteJob: want true once, then false")
	}
	code, b, _ := call(t, s, http.MethodGet, "/job/"+id, nil)
	var eb struct{ Error errorObject }
	decode(t, b, &eb)
	if code != 409 || eb.Error.Name != "JobDeleting" || eb.Error.Code != "409" || eb.Error.Message == "" {
		t.Fatalf("during deletion: %d %s", code, b)
	}
	clk.Advance(5 * time.Second)
	if code, b, _ := call(t, s, http.MethodGet, "/job/"+id, nil); code != 410 || !bytes.Contains(b, []byte(`"JobDeleted"`)) {
		t.Fatalf("after deletion: %d %s", code, b)
	}
	if code, _, _ := call(t, s, http.MethodPost, "/cancel/"+id, nil); code != 410 {
		t.Errorf("cancel deleted: %d", code)
	}
	if ji, _ := s.Job(id); !ji.Deleted {
		t.Error("JobInfo.Deleted false")
	}
	_, b, _ = call(t, s, http.MethodGet, "/jobs", nil)
	if bytes.Contains(b, []byte(id)) {
		t.Error("a deleted job is still listed")
	}
	if code, _, _ := call(t, s, http.MethodGet, "/job/unknown", nil); code != 404 {
		t.Errorf("unknown job: %d", code)
	}
}

// With ErrorObjects a failed job carries the error object, not reason.
func TestFailedJobErrorObject(t *testing.T) {
	clk := newFakeClock()
	s := newTest(t, Config{Clock: clk, ErrorObjects: true})
	s.FailNext("document is password protected")
	id := submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
	clk.Advance(time.Minute)
	_, b, _ := call(t, s, http.MethodGet, "/job/"+id, nil)
	var j struct {
		Status string
		Reason *string
		Error  *errorObject
	}
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	if j.Status != "Failed" || j.Reason != nil || j.Error == nil || j.Error.Message != "document is password protected" || j.Error.Name == "" {
		t.Errorf("failed job: %s", b)
	}
}

// An outage makes every API request fault for its length, then Rate
// applies until the period ends.
func TestFlakyOutage(t *testing.T) {
	clk := newFakeClock()
	s := newTest(t, Config{Clock: clk, Flaky: &Flaky{Rate: 1e-12, Outage: 10 * time.Second, For: time.Minute, Seed: 3}})
	for i := range 20 {
		code, err := try(t, s, http.MethodGet, "/jobs", "")
		if err == nil && code == 200 {
			t.Fatalf("request %d during the outage answered 200", i)
		}
	}
	clk.Advance(10 * time.Second)
	if code, err := try(t, s, http.MethodGet, "/jobs", ""); err != nil || code != 200 {
		t.Fatalf("after the outage: %d %v", code, err)
	}
	if s.FlakyFaults() != 20 {
		t.Errorf("FlakyFaults = %d, want 20", s.FlakyFaults())
	}
}
