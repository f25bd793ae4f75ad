package reducto_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// newSim starts the simulated Reducto API with short jobs.
func newSim(t *testing.T, cfg reductotest.Config) *reductotest.Server {
	t.Helper()
	cfg.APIKey = "sim-key"
	if cfg.JobDuration == nil {
		cfg.JobDuration = func(reductotest.Submission) time.Duration { return 20 * time.Millisecond }
	}
	srv := reductotest.NewServer(cfg)
	t.Cleanup(srv.Close)
	return srv
}

// resultChunks decodes a resolved parse response's chunks.
func resultChunks(t *testing.T, raw json.RawMessage) int {
	t.Helper()
	var pr struct {
		Result struct {
			Type   string            `json:"type"`
			Chunks []json.RawMessage `json:"chunks"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &pr); err != nil || pr.Result.Type != "full" {
		t.Fatalf("resolved result %.300s: %v", raw, err)
	}
	return len(pr.Result.Chunks)
}

// finish waits (on the simulator's own change signal) for a job to end,
// then reads it through the client.
func finish(t *testing.T, srv *reductotest.Server, c *reducto.Client, id string) *reducto.Job {
	t.Helper()
	if err := srv.WaitForStatus(id, reducto.JobCompleted, 10*time.Second); err != nil {
		t.Fatalf("job %s: %v", id, err)
	}
	j, err := c.GetJob(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != reducto.JobCompleted {
		t.Fatalf("client sees %q after the simulator completed the job", j.Status)
	}
	return j
}

func TestEndToEndSimulator(t *testing.T) {
	for _, presigned := range []bool{false, true} {
		name := map[bool]string{false: "multipart", true: "presigned"}[presigned]
		t.Run(name, func(t *testing.T) {
			srv := newSim(t, reductotest.Config{URLResults: true})
			opts := []reducto.Option{reducto.WithBackoff(time.Millisecond, 5*time.Millisecond)}
			if presigned {
				opts = append(opts, reducto.WithMultipartLimit(1000))
			}
			c := reducto.New(srv.URL, "sim-key", opts...)
			ctx := context.Background()
			doc := bytes.Repeat([]byte("%PDF-1.7 simulated page\n"), 10_000)
			var p progressLog
			up, err := c.Upload(ctx, "report.pdf", bytes.NewReader(doc), int64(len(doc)), p.fn)
			if err != nil {
				t.Fatal(err)
			}
			p.check(t, int64(len(doc)))
			if presigned != (up.PresignedURL != "") {
				t.Errorf("upload %+v: presigned flow %v expected", up, presigned)
			}
			id, err := c.ParseAsync(ctx, reducto.ParseRequest{Input: up.FileID,
				Async: &reducto.AsyncConfig{Metadata: json.RawMessage(`{"ref":"e2e-` + name + `"}`)}})
			if err != nil {
				t.Fatal(err)
			}
			j, err := c.GetJob(ctx, id)
			if err != nil || reducto.IsTerminal(j.Status) && j.Status != reducto.JobCompleted {
				t.Fatalf("fresh job %+v, %v", j, err)
			}
			j = finish(t, srv, c, id)
			if _, isURL := probeURLForm(j.Result); !isURL {
				t.Fatalf("the simulator was asked for URL results, got %.200s", j.Result)
			}
			full, err := c.ResolveResult(ctx, j)
			if err != nil {
				t.Fatal(err)
			}
			if n := resultChunks(t, full); n == 0 {
				t.Error("no chunks in the resolved result")
			}
		})
	}
}

func probeURLForm(raw json.RawMessage) (string, bool) {
	var pr struct {
		Result struct{ Type, URL string } `json:"result"`
	}
	if json.Unmarshal(raw, &pr) != nil {
		return "", false
	}
	return pr.Result.URL, pr.Result.Type == "url"
}

// TestEndToEndAmbiguousSubmission drops the connection after the simulator
// created the job: the client must say "ambiguous", not retry, and the job
// must be findable through ListJobs by its metadata.
func TestEndToEndAmbiguousSubmission(t *testing.T) {
	srv := newSim(t, reductotest.Config{})
	c := reducto.New(srv.URL, "sim-key", reducto.WithBackoff(time.Millisecond, 5*time.Millisecond))
	ctx := context.Background()
	srv.Inject(reductotest.Fault{PathPrefix: "/parse_async", Count: 1, Drop: reductotest.DropAfter})
	_, err := c.ParseAsync(ctx, reducto.ParseRequest{Input: "https://example.com/a.pdf",
		Async: &reducto.AsyncConfig{Metadata: json.RawMessage(`{"ref":"amb-1"}`)}})
	if !reducto.IsAmbiguous(err) {
		t.Fatalf("err = %v, want ambiguous", err)
	}
	if got := srv.JobsWithMetadata("ref", "amb-1"); len(got) != 1 {
		t.Fatalf("simulator holds %d jobs for the reference, want exactly 1 (no blind retry)", len(got))
	}
	var found string
	for cursor := ""; ; {
		page, err := c.ListJobs(ctx, reducto.ListJobsParams{Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, lj := range page.Jobs {
			if string(lj.AsyncMetadata()) == `{"ref":"amb-1"}` {
				found = lj.JobID
			}
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if found == "" {
		t.Fatal("the job created by the dropped submission is not in ListJobs")
	}
	finish(t, srv, c, found)
}

// TestEndToEndRateLimitedSubmission: a 429 means the job was not created,
// so the client retries it and exactly one job exists.
func TestEndToEndRateLimitedSubmission(t *testing.T) {
	srv := newSim(t, reductotest.Config{})
	clk := newFakeClock()
	c := reducto.New(srv.URL, "sim-key", reducto.WithClock(clk))
	srv.Inject(reductotest.Fault{PathPrefix: "/parse_async", Count: 1, Status: 429, RetryAfter: 2 * time.Second})
	id, err := c.ParseAsync(context.Background(), reducto.ParseRequest{Input: "https://example.com/b.pdf",
		Async: &reducto.AsyncConfig{Metadata: json.RawMessage(`{"ref":"rl-1"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.JobsWithMetadata("ref", "rl-1"); len(got) != 1 || got[0].ID != id {
		t.Fatalf("jobs for the reference: %+v, want only %s", got, id)
	}
	if d := clk.Delays(); len(d) != 1 || d[0] != 2*time.Second {
		t.Errorf("waits %v, want the server's 2s", d)
	}
	if _, err := c.GetJob(context.Background(), "no-such-job"); !reducto.IsGone(err) {
		t.Errorf("unknown job: %v", err)
	}
}
