//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// flakyTimeout bounds the whole flaky run: a minute of misbehaving API,
// then the time the engine needs to catch up.
const flakyTimeout = 4 * time.Minute

// TestFlakyAPIEveryDocumentOnce runs the real binary headless against a
// simulated API that answers 503 bursts, resets connections (before and
// after the request took effect) and rate-limits with 429 + Retry-After on
// every endpoint, upload and submission included, for a minute, starting
// with a 20-second outage. Every
// document must still complete, and exactly once: one job per file and
// per client reference at the simulated Reducto, all completed in
// `jobs --json`. Headless needs neither Xvfb nor D-Bus.
//
//	go test -tags e2e -run Flaky ./ui/e2e/
func TestFlakyAPIEveryDocumentOnce(t *testing.T) {
	const key = "flaky-e2e-key"
	srv := reductotest.NewServer(reductotest.Config{
		APIKey:      key,
		JobDuration: func(reductotest.Submission) time.Duration { return 2 * time.Second },
		// A 20-second outage (every request fails), then random faults
		// on a quarter of the requests, for a minute in all.
		Flaky: &reductotest.Flaky{Outage: 20 * time.Second, Rate: 0.25, Burst: 3, RetryAfter: time.Second,
			For: time.Minute, Kinds: reductotest.AllFaultKinds},
	})
	t.Cleanup(srv.Close)
	// Faults the random mode might miss, so each kind surely hits upload
	// and submission: a 503 burst that creates nothing (the fault that
	// used to fail a job), a reset after the job was created, a reset
	// before the upload arrived, a 429 on upload.
	srv.Inject(reductotest.Fault{PathPrefix: "/parse_async", Count: 3, Status: 503, RetryAfter: time.Second})
	srv.Inject(reductotest.Fault{PathPrefix: "/parse_async", Count: 1, Drop: reductotest.DropAfter})
	srv.Inject(reductotest.Fault{PathPrefix: "/upload", Count: 1, Drop: reductotest.DropBefore})
	srv.Inject(reductotest.Fault{PathPrefix: "/upload", Count: 1, Status: 429, RetryAfter: time.Second})

	in := headlessInstall(t, "REDUCTO_BASE_URL="+srv.URL, "REDUCTO_API_KEY="+key)
	dir := t.TempDir()
	var files []string
	for i := range 6 {
		p := filepath.Join(dir, fmt.Sprintf("flaky-%d.pdf", i+1))
		if err := os.WriteFile(p, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	app := in.start(append([]string{"--headless", "--listen", freeAddr(t)}, files...)...)

	deadline := time.Now().Add(flakyTimeout)
	for _, f := range files {
		j := in.waitJob(f, time.Until(deadline), func(j jobJSON) bool {
			return j.Status == "completed" || j.Status == "failed" || j.Status == "cancelled"
		})
		if j.Status != "completed" {
			t.Errorf("%s ended %s (error %v), want completed", filepath.Base(f), j.Status, deref(j.Error))
		}
	}
	if app.exited() {
		t.Error("the app exited during the run")
	}

	// Exactly once at Reducto: one job per file and per client reference.
	perFile := map[string]int{}
	perRef := map[string]int{}
	for _, ji := range srv.Jobs() {
		perFile[ji.FileName]++
		var m struct {
			Ref string `json:"reducto_tray_ref"`
		}
		_ = json.Unmarshal(ji.Metadata, &m)
		perRef[m.Ref]++
	}
	for _, f := range files {
		if n := perFile[filepath.Base(f)]; n != 1 {
			t.Errorf("%s became %d jobs at Reducto, want exactly 1", filepath.Base(f), n)
		}
	}
	for ref, n := range perRef {
		if n != 1 {
			t.Errorf("client reference %q has %d jobs, want 1", ref, n)
		}
	}
	list, err := in.jobs()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(files) {
		t.Errorf("jobs --json lists %d jobs, want %d", len(list), len(files))
	}
	t.Logf("flaky faults %d, dropped %d, 503s %d, 429s %d, uploads %d, submissions %d",
		srv.FlakyFaults(), srv.CountStatus(0), srv.CountStatus(503), srv.Count429(),
		srv.Requests("/upload"), srv.Requests("/parse_async"))
}

// deref shows a nullable string.
func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}
