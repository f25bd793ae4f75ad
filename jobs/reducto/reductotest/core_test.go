package reductotest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestUploadSubmitPollParse(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1})
	fid := upload(t, s, "invoice.pdf", 200<<10)
	if !strings.HasPrefix(fid, "reducto://") || !strings.HasSuffix(fid, ".pdf") {
		t.Fatalf("file id %q", fid)
	}
	id := submit(t, s, "parse", map[string]any{"input": fid,
		"async": map[string]any{"metadata": map[string]any{"ref": "r-1"}}})
	first := getJob(t, s, id)
	if first.Status != "Pending" && first.Status != "Idle" && first.Status != "InProgress" && first.Status != "Completed" {
		t.Fatalf("first status %q", first.Status)
	}
	if first.Type != "Parse" || first.RawConfig == nil || !strings.Contains(*first.RawConfig, `"ref":"r-1"`) {
		t.Fatalf("enhanced fields: %+v", first)
	}
	j, seen := pollUntilTerminal(t, s, id)
	if j.Status != "Completed" {
		t.Fatalf("status %s reason %v (seen %v)", j.Status, j.Reason, seen)
	}
	var res struct {
		JobID        string `json:"job_id"`
		ResponseType string `json:"response_type"`
		Usage        struct {
			NumPages int `json:"num_pages"`
		} `json:"usage"`
		Result struct {
			Type   string `json:"type"`
			Chunks []struct {
				Content string `json:"content"`
				Blocks  []struct {
					Type string `json:"type"`
					BBox struct {
						Page int `json:"page"`
					} `json:"bbox"`
				} `json:"blocks"`
			} `json:"chunks"`
		} `json:"result"`
	}
	decode(t, j.Result, &res)
	if res.JobID != id || res.ResponseType != "parse" || res.Result.Type != "full" {
		t.Fatalf("result header: %+v", res)
	}
	if res.Usage.NumPages != 4 || len(res.Result.Chunks) != 4 {
		t.Fatalf("pages %d chunks %d, want 4 for 200 KB", res.Usage.NumPages, len(res.Result.Chunks))
	}
	if res.Result.Chunks[2].Blocks[2].Type != "Table" || res.Result.Chunks[2].Blocks[0].BBox.Page != 3 {
		t.Fatalf("page 3 blocks: %+v", res.Result.Chunks[2].Blocks)
	}
	if j.NumPages == nil || *j.NumPages != 4 || j.Duration == nil || *j.Duration < 2 {
		t.Fatalf("enhanced terminal fields: %+v", j)
	}
	if got := s.JobsWithMetadata("ref", "r-1"); len(got) != 1 || got[0].ID != id {
		t.Fatalf("JobsWithMetadata: %+v", got)
	}
}

func TestLifecycleStatuses(t *testing.T) {
	// IdleEvery 1: every job passes through Idle. The clock is stepped by
	// hand, a second at a time, so the 3 s the job is Idle are seen
	// however slow the machine (a scaled clock's 150 ms were missed).
	fc := newFakeClock()
	s := newTest(t, Config{IdleEvery: 1, JobRateLimit: -1, Clock: fc,
		JobDuration: func(Submission) time.Duration { return 20 * time.Second }})
	fid := upload(t, s, "a.pdf", 10)
	id := submit(t, s, "parse", map[string]any{"input": fid})
	var seen []string
	for range 40 {
		j := getJob(t, s, id)
		if len(seen) == 0 || seen[len(seen)-1] != j.Status {
			seen = append(seen, j.Status)
		}
		if j.Status == "Completed" {
			break
		}
		fc.Advance(time.Second)
	}
	want := []string{"Pending", "Idle", "InProgress", "Completed"}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Fatalf("statuses %v, want %v", seen, want)
	}
}

func TestProgressIncreases(t *testing.T) {
	fc := newFakeClock()
	s := newTest(t, Config{IdleEvery: -1, Clock: fc,
		JobDuration: func(Submission) time.Duration { return 30 * time.Second }})
	id := submit(t, s, "parse", map[string]any{"input": "https://example.com/doc.pdf"})
	last := -1.0
	var statuses []string
	for range 30 {
		fc.Advance(time.Second)
		j := getJob(t, s, id)
		statuses = append(statuses, j.Status)
		if j.Status != "InProgress" {
			continue
		}
		if j.Progress == nil || *j.Progress <= last || *j.Progress >= 100 {
			t.Fatalf("progress %v after %v", j.Progress, last)
		}
		last = *j.Progress
	}
	// 20 % of the run is Pending, then progress climbs until Completed.
	if statuses[4] != "Pending" || statuses[6] != "InProgress" || statuses[29] != "Completed" || last < 90 {
		t.Fatalf("statuses %v, last progress %v", statuses, last)
	}
}

func TestFailedJobHasReason(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1})
	s.FailNext("Document is password protected")
	id := submit(t, s, "parse", map[string]any{"input": "https://example.com/x.pdf"})
	j, _ := pollUntilTerminal(t, s, id)
	if j.Status != "Failed" || j.Reason == nil || *j.Reason != "Document is password protected" || j.Result != nil && string(j.Result) != "null" {
		t.Fatalf("failed job: %+v", j)
	}
	id2 := submit(t, s, "parse", map[string]any{"input": "https://example.com/x.pdf"})
	if j2, _ := pollUntilTerminal(t, s, id2); j2.Status != "Completed" {
		t.Fatalf("FailNext leaked into the next job: %+v", j2)
	}
}

func TestOutcomeHook(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1, Outcome: FailNamesContaining("broken")})
	ok := submit(t, s, "parse", map[string]any{"input": upload(t, s, "fine.pdf", 5)})
	bad := submit(t, s, "parse", map[string]any{"input": upload(t, s, "broken.pdf", 5)})
	if j, _ := pollUntilTerminal(t, s, ok); j.Status != "Completed" {
		t.Fatalf("fine.pdf: %s", j.Status)
	}
	if j, _ := pollUntilTerminal(t, s, bad); j.Status != "Failed" || !strings.Contains(*j.Reason, "broken.pdf") {
		t.Fatalf("broken.pdf: %+v", j)
	}
}

func TestExtractAndSplitResults(t *testing.T) {
	s := newTest(t, Config{JobRateLimit: -1})
	fid := upload(t, s, "form.pdf", 300<<10) // 6 pages
	ex := submit(t, s, "extract", map[string]any{"input": fid, "instructions": map[string]any{
		"schema": map[string]any{"type": "object", "properties": map[string]any{
			"total": map[string]any{"type": "number"}, "vendor": map[string]any{"type": "string"}}}}})
	sp := submit(t, s, "split", map[string]any{"input": fid, "split_description": []map[string]string{
		{"name": "invoice", "description": "the invoice"}, {"name": "terms", "description": "terms"}}})

	j, _ := pollUntilTerminal(t, s, ex)
	var er struct {
		Result       []map[string]any `json:"result"`
		ResponseType string           `json:"response_type"`
		Usage        struct {
			NumPages  int `json:"num_pages"`
			NumFields int `json:"num_fields"`
		} `json:"usage"`
	}
	decode(t, j.Result, &er)
	if er.ResponseType != "extract" || len(er.Result) != 1 || er.Usage.NumFields != 2 {
		t.Fatalf("extract result: %s", j.Result)
	}
	if _, ok := er.Result[0]["total"].(float64); !ok {
		t.Fatalf("total not a number: %s", j.Result)
	}
	if j.Type != "Extract" {
		t.Fatalf("type %q", j.Type)
	}

	j, _ = pollUntilTerminal(t, s, sp)
	var sr struct {
		Result struct {
			Splits []struct {
				Name  string `json:"name"`
				Pages []int  `json:"pages"`
				Conf  string `json:"conf"`
			} `json:"splits"`
		} `json:"result"`
		ResponseType string `json:"response_type"`
	}
	decode(t, j.Result, &sr)
	if sr.ResponseType != "split" || len(sr.Result.Splits) != 2 || sr.Result.Splits[0].Name != "invoice" ||
		len(sr.Result.Splits[0].Pages)+len(sr.Result.Splits[1].Pages) != 6 {
		t.Fatalf("split result: %s", j.Result)
	}
}

func TestAuth(t *testing.T) {
	s := newTest(t, Config{})
	for _, h := range []string{"", "Bearer wrong", "test-key", "Basic test-key"} {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/jobs", nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Detail string `json:"detail"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 401 || err != nil || body.Detail == "" {
			t.Fatalf("auth %q: %d %v %+v", h, resp.StatusCode, err, body)
		}
	}
	if code, _, _ := call(t, s, http.MethodGet, "/jobs", nil); code != 200 {
		t.Fatalf("with key: %d", code)
	}
	// No key configured: anything goes, as in the sandbox.
	open := NewServer(Config{})
	defer open.Close()
	resp, err := http.Get(open.URL + "/version")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("open server: %v %v", err, resp)
	}
	resp.Body.Close()
}
