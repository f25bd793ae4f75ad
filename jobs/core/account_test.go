package core

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// Another client's job on the account, delivered by Svix to the receiver,
// is recorded as an account job: in `jobs --json --all` with origin
// "account", never in the plain history.
func TestAnotherClientsJobAppearsOnlyInTheAllListing(t *testing.T) {
	a, svc := startCore(t, Flags{Sandbox: true}, nil)
	t.Setenv(datadir.HomeEnv, a.home)
	if _, err := svc.Update(func(s *settings.Settings) { s.MonitorAccount = true }); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	queued, _, err := a.Submit(ctx, []string{writePDF(t, t.TempDir(), "mine.pdf")}, a.Defaults())
	if err != nil || len(queued) != 1 {
		t.Fatalf("submit: %v %v", queued, err)
	}
	id, err := a.sim.SubmitAsOther(reductotest.OtherJob{FileName: "colleague.pdf", Svix: true, Channels: []string{"finance"},
		Metadata: json.RawMessage(`{"team":"finance"}`)})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the account job with its details", func() bool {
		js, _ := a.AccountJobs(ctx, 10)
		return len(js) == 1 && js[0].Credits != nil && js[0].Kind == jobs.KindParse
	})
	waitFor(t, "our job to complete", func() bool {
		j, _ := a.store.Get(ctx, queued[0].ID)
		return j.Status == jobs.StatusCompleted
	})
	js, _ := a.AccountJobs(ctx, 10)
	if got := js[0]; got.JobID != id || got.SeenVia != "svix" || got.Name != "colleague.pdf" || got.Channels[0] != "finance" {
		t.Fatalf("account job %+v (want seen via svix)", got)
	}

	var plain, all, stderr bytes.Buffer
	if code := RunJobs([]string{"--json"}, &plain, &stderr); code != 0 {
		t.Fatalf("jobs --json: %d %s", code, stderr.String())
	}
	var plainJobs []map[string]any
	if err := json.Unmarshal(plain.Bytes(), &plainJobs); err != nil {
		t.Fatal(err)
	}
	if len(plainJobs) != 1 || plainJobs[0]["job_id"] == id {
		t.Fatalf("plain history %s", plain.String())
	}
	if _, has := plainJobs[0]["origin"]; has {
		t.Fatal("jobs --json gained an origin field; it must stay unchanged")
	}
	if code := RunJobs([]string{"--json", "--all"}, &all, &stderr); code != 0 {
		t.Fatalf("jobs --json --all: %d %s", code, stderr.String())
	}
	var allJobs []map[string]any
	if err := json.Unmarshal(all.Bytes(), &allJobs); err != nil {
		t.Fatal(err)
	}
	if len(allJobs) != 2 {
		t.Fatalf("--all printed %d jobs: %s", len(allJobs), all.String())
	}
	origins := map[string]map[string]any{}
	for _, e := range allJobs {
		o, ok := e["origin"].(string)
		if !ok {
			t.Fatalf("element without origin: %v", e)
		}
		origins[o] = e
	}
	acc, loc := origins["account"], origins["local"]
	if acc == nil || loc == nil {
		t.Fatalf("origins %v", all.String())
	}
	if acc["file"] != nil || acc["id"] != nil || acc["job_id"] != id || acc["status"] != "completed" || acc["credits"] == nil {
		t.Fatalf("account element %v", acc)
	}
	if loc["file"] == nil || loc["id"] == nil {
		t.Fatalf("local element %v", loc)
	}
}

// The maintenance pass keeps account jobs for the retention the settings
// hold: a job older than it goes, a newer one stays.
func TestMaintenancePrunesAccountJobsPastTheirRetention(t *testing.T) {
	a, svc := startCore(t, Flags{Sandbox: true}, nil)
	if _, err := svc.Update(func(s *settings.Settings) { s.AccountRetentionDays = 30 }); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Update(func(s *settings.Settings) { s.AccountRetentionDays = 0 }); err == nil {
		t.Fatal("a retention of 0 days was saved")
	}
	ctx := context.Background()
	now := time.Now()
	for id, created := range map[string]time.Time{"old": now.AddDate(0, 0, -31), "recent": now.AddDate(0, 0, -29)} {
		if _, _, err := a.store.UpsertAccountJob(ctx, jobs.AccountJob{JobID: id, Status: jobs.StatusCompleted, CreatedAt: created}); err != nil {
			t.Fatal(err)
		}
	}
	a.prune(ctx)
	js, err := a.AccountJobs(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 1 || js[0].JobID != "recent" {
		t.Fatalf("account jobs after the maintenance pass: %+v, want only the one within 30 days", js)
	}
}
