package reductotest

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestInject429(t *testing.T) {
	s := newTest(t, Config{})
	s.Inject429(2, 3*time.Second)
	for i := range 2 {
		code, b, h := call(t, s, http.MethodGet, "/jobs", nil)
		if code != 429 || h.Get("Retry-After") != "3" || h.Get("retry-after-ms") != "3000" || !bytes.Contains(b, []byte(`"message"`)) {
			t.Fatalf("request %d: %d %v %s", i, code, h, b)
		}
	}
	if code, _, _ := call(t, s, http.MethodGet, "/jobs", nil); code != 200 {
		t.Fatalf("after the burst: %d", code)
	}
	if s.Count429() != 2 {
		t.Fatalf("Count429 %d", s.Count429())
	}
}

func TestInject5xx(t *testing.T) {
	s := newTest(t, Config{})
	s.Inject5xx(1, 502)
	code, b, _ := call(t, s, http.MethodPost, "/parse_async", map[string]any{"input": "https://e.com/a.pdf"})
	if code != 502 || !bytes.Contains(b, []byte(`"error"`)) {
		t.Fatalf("injected: %d %s", code, b)
	}
	if len(s.Jobs()) != 0 {
		t.Fatal("an injected 5xx created a job")
	}
	submit(t, s, "parse", map[string]any{"input": "https://e.com/a.pdf"})
}

func TestDropAfterCreatesJob(t *testing.T) {
	s := newTest(t, Config{})
	s.DropConnections(1)
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/parse_async",
		strings.NewReader(`{"input":"https://e.com/a.pdf","async":{"metadata":{"ref":"R1"}}}`))
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped submission answered %d", resp.StatusCode)
	}
	// The job exists although the client never learnt its id.
	if got := s.JobsWithMetadata("ref", "R1"); len(got) != 1 {
		t.Fatalf("jobs with ref R1: %d", len(got))
	}
	if s.CountStatus(0) != 1 {
		t.Fatalf("dropped count %d", s.CountStatus(0))
	}
	log := s.RequestLog()
	if last := log[len(log)-1]; !last.Dropped || last.Path != "/parse_async" {
		t.Fatalf("log %+v", last)
	}
}

func TestDropBeforeAndPathPrefix(t *testing.T) {
	s := newTest(t, Config{})
	s.Inject(Fault{PathPrefix: "/parse_async", Count: 1, Drop: DropBefore})
	// Another path is untouched by the fault.
	if code, _, _ := call(t, s, http.MethodGet, "/jobs", nil); code != 200 {
		t.Fatalf("/jobs: %d", code)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/parse_async", strings.NewReader(`{"input":"https://e.com/a.pdf"}`))
	req.Header.Set("Authorization", "Bearer "+testKey)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("DropBefore answered")
	}
	if len(s.Jobs()) != 0 {
		t.Fatal("DropBefore created a job")
	}
	if s.Requests("/parse_async") != 1 || s.Requests("/jobs") != 1 || s.Requests("") != 2 {
		t.Fatalf("counters %d %d %d", s.Requests("/parse_async"), s.Requests("/jobs"), s.Requests(""))
	}
	s.Inject429(5, time.Second)
	s.ClearFaults()
	if code, _, _ := call(t, s, http.MethodGet, "/jobs", nil); code != 200 {
		t.Fatalf("after ClearFaults: %d", code)
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	fc := newFakeClock()
	s1 := NewServer(Config{Clock: fc, StatePath: path})
	fid := upload(t, s1, "keep.pdf", 10)
	done := submit(t, s1, "parse", map[string]any{"input": fid, "async": map[string]any{"metadata": map[string]any{"ref": "k"}}})
	fc.Advance(time.Minute)
	if j := getJob(t, s1, done); j.Status != "Completed" {
		t.Fatalf("before restart: %s", j.Status)
	}
	running := submit(t, s1, "parse", map[string]any{"input": fid})
	s1.Close()

	s2 := NewServer(Config{Clock: fc, StatePath: path})
	defer s2.Close()
	if j := getJob(t, s2, done); j.Status != "Completed" || len(j.Result) < 10 {
		t.Fatalf("completed job after restart: %+v", j)
	}
	if j := getJob(t, s2, running); j.Status == "Completed" {
		t.Fatalf("running job jumped to %s", j.Status)
	}
	fc.Advance(time.Minute)
	if j := getJob(t, s2, running); j.Status != "Completed" {
		t.Fatalf("running job after restart: %s", j.Status)
	}
	// The uploaded file id is still valid, and metadata is still findable.
	submit(t, s2, "parse", map[string]any{"input": fid})
	if len(s2.JobsWithMetadata("ref", "k")) != 1 {
		t.Fatal("metadata lost")
	}
}
