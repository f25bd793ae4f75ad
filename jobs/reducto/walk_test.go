package reducto_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// listServer serves n jobs, newest first, one minute apart, from t0
// backwards, in pages of the requested limit; it checks the limit the
// walker asks for.
func listServer(t *testing.T, n int, t0 time.Time, wantLimit string) *env {
	t.Helper()
	return newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if got := q.Get("limit"); got != wantLimit {
			t.Errorf("limit=%q, want %q", got, wantLimit)
		}
		limit, _ := strconv.Atoi(q.Get("limit"))
		from, _ := strconv.Atoi(q.Get("cursor"))
		var page struct {
			Jobs       []map[string]any `json:"jobs"`
			NextCursor *string          `json:"next_cursor"`
		}
		page.Jobs = []map[string]any{}
		for i := from; i < n && i < from+limit; i++ {
			page.Jobs = append(page.Jobs, map[string]any{"job_id": fmt.Sprint("j", i), "status": "Completed",
				"created_at": t0.Add(-time.Duration(i) * time.Minute).Format(time.RFC3339),
				"raw_config": fmt.Sprintf(`{"async":{"metadata":{"ref":"r%d"}}}`, i)})
		}
		if from+limit < n {
			c := strconv.Itoa(from + limit)
			page.NextCursor = &c
		}
		b, _ := json.Marshal(page)
		writeJSON(w, 200, string(b))
	})
}

func TestWalkJobsPagesToTheEnd(t *testing.T) {
	e := listServer(t, 1200, fakeNow, "500")
	var got []string
	err := e.c.WalkJobs(context.Background(), reducto.WalkJobsParams{}, func(jobs []reducto.ListedJob) error {
		for _, j := range jobs {
			got = append(got, j.JobID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1200 || got[0] != "j0" || got[1199] != "j1199" || e.calls.Load() != 3 {
		t.Errorf("%d jobs in %d requests (first %v), want 1200 in 3", len(got), e.calls.Load(), got[:1])
	}
}

// A lookup for a job created at T stops once a page reaches before T
// minus the margin, instead of reading the whole history.
func TestWalkJobsStopsPastSince(t *testing.T) {
	e := listServer(t, 5000, fakeNow, "500")
	var seen int
	since := fakeNow.Add(-700 * time.Minute) // job 700 and older are past it
	err := e.c.WalkJobs(context.Background(), reducto.WalkJobsParams{Since: since}, func(jobs []reducto.ListedJob) error {
		seen += len(jobs)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if e.calls.Load() != 2 || seen != 1000 {
		t.Errorf("%d requests, %d jobs seen, want 2 pages (the second reaches past Since)", e.calls.Load(), seen)
	}
}

func TestFindJobStopsAtMatch(t *testing.T) {
	e := listServer(t, 5000, fakeNow, "500")
	var paced atomic.Int64
	p := reducto.WalkJobsParams{BeforePage: func(context.Context) error { paced.Add(1); return nil }}
	j, found, err := e.c.FindJob(context.Background(), p, func(j reducto.ListedJob) bool {
		var m struct{ Ref string }
		return json.Unmarshal(j.AsyncMetadata(), &m) == nil && m.Ref == "r742"
	})
	if err != nil || !found || j.JobID != "j742" {
		t.Fatalf("FindJob = %v %v %v, want j742", j.JobID, found, err)
	}
	if e.calls.Load() != 2 || paced.Load() != 2 {
		t.Errorf("%d requests, %d BeforePage calls, want 2 each", e.calls.Load(), paced.Load())
	}
	// Not there within the bound: not found, no error.
	_, found, err = e.c.FindJob(context.Background(), reducto.WalkJobsParams{MaxPages: 1}, func(j reducto.ListedJob) bool { return j.JobID == "j999" })
	if err != nil || found {
		t.Errorf("FindJob beyond MaxPages = %v, %v; want not found", found, err)
	}
}

func TestWalkJobsErrors(t *testing.T) {
	e := listServer(t, 1000, fakeNow, "500")
	boom := errors.New("boom")
	if err := e.c.WalkJobs(context.Background(), reducto.WalkJobsParams{}, func([]reducto.ListedJob) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("callback error: %v", err)
	}
	if err := e.c.WalkJobs(context.Background(), reducto.WalkJobsParams{BeforePage: func(context.Context) error { return boom }},
		func([]reducto.ListedJob) error { return nil }); !errors.Is(err, boom) {
		t.Errorf("BeforePage error: %v", err)
	}
	down := newEnv(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 503, `{"detail":"down"}`) }, reducto.WithMaxRetries(0))
	err := down.c.WalkJobs(context.Background(), reducto.WalkJobsParams{}, func([]reducto.ListedJob) error { return nil })
	if !reducto.IsTransient(err) {
		t.Errorf("503: %v, want a transient error", err)
	}
}

// Against the simulator: a reference is found among pages of real
// submissions.
func TestFindJobBySimulatedReference(t *testing.T) {
	srv := newSim(t, reductotest.Config{})
	c := reducto.New(srv.URL, "sim-key")
	for i := range 7 {
		meta, _ := json.Marshal(map[string]string{"reducto_tray_ref": fmt.Sprint("ref-", i)})
		if _, err := c.ParseAsync(context.Background(), reducto.ParseRequest{Input: "https://e.com/a.pdf",
			Async: &reducto.AsyncConfig{Metadata: meta}}); err != nil {
			t.Fatal(err)
		}
	}
	j, found, err := c.FindJob(context.Background(), reducto.WalkJobsParams{PageSize: 2, Since: time.Now().Add(-time.Hour)},
		func(j reducto.ListedJob) bool { return string(j.AsyncMetadata()) == `{"reducto_tray_ref":"ref-1"}` })
	if err != nil || !found {
		t.Fatalf("FindJob: found %v, err %v", found, err)
	}
	if ji, ok := srv.Job(j.JobID); !ok || ji.Kind != "parse" {
		t.Errorf("found %s, which the simulator does not know as a parse", j.JobID)
	}
	if n := srv.Requests("/jobs"); n != 3 {
		t.Errorf("%d GET /jobs, want 3 (ref-1 is the 6th newest, pages of 2)", n)
	}
}
